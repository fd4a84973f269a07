package cli

func runServe(e *env, args []string) error { return usageErr("serve arrives with the webhook server") }
func runDemo(e *env, args []string) error  { return usageErr("demo arrives with the release flow") }
func runReconcile(e *env, args []string) error {
	return usageErr("reconcile arrives with the release flow")
}
func runRequeue(e *env, args []string) error { return usageErr("requeue arrives with the queue") }
