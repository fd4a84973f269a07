package webhook

import "testing"

// BenchmarkParse decodes each CI event GitHub publishes, as a worker does
// for every delivery (go test ./internal/webhook -bench Parse -benchmem).
func BenchmarkParse(b *testing.B) {
	for _, c := range []struct{ event, file string }{
		{"check_run", "check_run/completed.json"},
		{"check_suite", "check_suite/completed.json"},
		{"status", "status/payload.json"},
		{"pull_request", "pull_request/opened.json"},
	} {
		body := payload(b, c.file)
		b.Run(c.event, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(c.event, body, received); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
