package release

import "context"

type probeRepoKey struct{}

// WithProbeRepo tells the prober which repository ("owner/name") a probe
// runs for, so secrets scoped to repositories can be checked.
func WithProbeRepo(ctx context.Context, repo string) context.Context {
	return context.WithValue(ctx, probeRepoKey{}, repo)
}

// ProbeRepo returns the repository WithProbeRepo set, or "".
func ProbeRepo(ctx context.Context) string {
	s, _ := ctx.Value(probeRepoKey{}).(string)
	return s
}
