//go:build !nodemo

package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
	"github.com/ag06mixer/golive/internal/release"
)

// demoMetricItem is the demo repository's metric item: its staging error
// rate, read from the Prometheus-compatible endpoint the demo runs.
const demoMetricItem = "staging-error-rate-below-threshold"

// demoPromQL is the query the item asks, as one would of a real
// Prometheus scraping the release's staging service.
const demoPromQL = `sum(rate(http_requests_total{env="staging",code=~"5.."}[5m])) / sum(rate(http_requests_total{env="staging"}[5m]))`

// promEndpoint is a Prometheus-compatible HTTP API on loopback that
// answers every instant query with one value (GET /api/v1/query), and
// counts the queries it was asked.
type promEndpoint struct {
	*httptest.Server
	asked atomic.Int64
}

func newPromEndpoint(value string) *promEndpoint {
	p := &promEndpoint{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query" || r.Method != http.MethodGet || r.URL.Query().Get("query") == "" {
			http.Error(w, `{"status":"error","errorType":"bad_data","error":"want GET /api/v1/query?query=…"}`, http.StatusBadRequest)
			return
		}
		p.asked.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"env":"staging"},"value":[%d,%q]}]}}`, time.Now().Unix(), value)
	}))
	return p
}

// demoRepoConfig is the demo repository's .github/golive.yml: the
// release's live endpoint (vars.base_url), one metric item read from the
// local Prometheus-compatible API, and a reminder for the Business Owner,
// whose sign-off the PR (opened 2026-11-20) has awaited for days.
func demoRepoConfig(site, prom string) string {
	return fmt.Sprintf(`version: 1
vars:
  base_url: %q
roles:
  - {id: business, remind_after: 24h}
sections:
  - id: demo-metrics
    title: Staging metrics
    groups:
      - id: demo-slo
        title: Service levels
        items:
          - id: %s
            title: Staging error rate below 1%%
            evidence:
              metric:
                url: %q
                query: %q
                expect: {op: "<", value: 0.01}
                interval: 10s
`, site, demoMetricItem, prom, demoPromQL)
}

// showReminder prints the reminder line of golive's PR comment, edited in
// place, and the one short reply that makes GitHub notify the team.
func (d *demo) showReminder() {
	var comment, reply string
	d.fake.Do(func(repos map[string]*githubfake.Repo) {
		for _, c := range repos["acme/shop"].Comments {
			if c.Issue != demoPR || c.Author != "golive[bot]" {
				continue
			}
			if strings.Contains(c.Body, "golive:comment") {
				comment = c.Body
			} else if strings.HasPrefix(c.Body, "⏰") && reply == "" {
				reply = c.Body
			}
		}
	})
	if line := firstMatch(comment, `⏰[^\n]*`); line != "" {
		fmt.Fprintf(d.e.stdout, "  golive's PR comment (edited in place) reminds:\n%s", indent(indent(line)))
	}
	if reply != "" {
		fmt.Fprintf(d.e.stdout, "  and posted one short reply naming %s: GitHub notifies mentions in new comments only (at most one reply a day)\n", firstMatch(reply, `@[^:]*`))
	}
}

// mdUnescape undoes the Markdown escapes of the issue's text for the
// terminal.
var mdUnescape = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!<>~|])")

// showMetric waits for the metric item to tick from the local endpoint
// and prints it with its measure.
func (d *demo) showMetric(p *promEndpoint) error {
	if err := d.waitTicked([]string{demoMetricItem}); err != nil {
		return err
	}
	d.items(demoMetricItem)
	body := d.issue().Body
	line := firstMatch(body, `[^\n]*`+release.ItemMarker(demoMetricItem)+`[^\n]*`)
	if i := strings.Index(line, "—"); i >= 0 {
		fmt.Fprintf(d.e.stdout, "  measured: %s\n", mdUnescape.ReplaceAllString(strings.TrimSpace(line[i+len("—"):]), "$1"))
	}
	fmt.Fprintf(d.e.stdout, "  (the local API at %s answered %d instant quer%s)\n", p.URL, p.asked.Load(), map[bool]string{true: "y", false: "ies"}[p.asked.Load() == 1])
	return nil
}
