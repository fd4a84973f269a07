package checklist

// Evidence holds exactly one evidence source and its parameters.
type Evidence struct {
	Manual     *Manual     `yaml:"manual,omitempty" json:"manual,omitempty"`
	Check      *Check      `yaml:"check,omitempty" json:"check,omitempty"`
	Deployment *Deployment `yaml:"deployment,omitempty" json:"deployment,omitempty"`
	Probe      *Probe      `yaml:"probe,omitempty" json:"probe,omitempty"`
	Metric     *Metric     `yaml:"metric,omitempty" json:"metric,omitempty"`
	Approval   *Approval   `yaml:"approval,omitempty" json:"approval,omitempty"`
	// Unconfigured, set on resolving, says why a probe item is manual:
	// its probe names a variable no layer set.
	Unconfigured string `yaml:"-" json:"unconfigured,omitempty"`
}

// Source returns which source is set (manual when none is).
func (e Evidence) Source() Source {
	switch {
	case e.Check != nil:
		return SourceCheck
	case e.Deployment != nil:
		return SourceDeployment
	case e.Probe != nil:
		return SourceProbe
	case e.Metric != nil:
		return SourceMetric
	case e.Approval != nil:
		return SourceApproval
	}
	return SourceManual
}

// Manual evidence is a tick by a permitted person.
type Manual struct{}

// Check evidence is a check run or commit status on the PR head.
type Check struct {
	// Name is a glob matched against check run names and status contexts.
	// Every check run or status that matches must succeed, and at least
	// one must exist.
	Name string `yaml:"name" json:"name"`
	// App pins check runs to the GitHub App that created them: its slug
	// (github-actions) or numeric id. Creator pins commit statuses to the
	// login that posted them. With either set, only results from the
	// sources named count: a check run needs App, a status needs Creator.
	App     string `yaml:"app,omitempty" json:"app,omitempty"`
	Creator string `yaml:"creator,omitempty" json:"creator,omitempty"`
}

// Pinned reports whether the item names the sources whose results count.
func (c Check) Pinned() bool { return c.App != "" || c.Creator != "" }

// Deployment evidence is a successful deployment status.
type Deployment struct {
	Environment string `yaml:"environment" json:"environment"`
	// RequireSHA counts only deployments of the PR head commit.
	RequireSHA bool `yaml:"require_sha,omitempty" json:"require_sha,omitempty"`
}

// Approval evidence is a sign-off by a role.
type Approval struct {
	Role string `yaml:"role" json:"role"`
}

// Probe evidence is a probe of a live endpoint. Exactly one of HTTP, TLS,
// DNS and TCP is set.
type Probe struct {
	HTTP *HTTPProbe `yaml:"http,omitempty" json:"http,omitempty"`
	TLS  *TLSProbe  `yaml:"tls,omitempty" json:"tls,omitempty"`
	DNS  *DNSProbe  `yaml:"dns,omitempty" json:"dns,omitempty"`
	TCP  *TCPProbe  `yaml:"tcp,omitempty" json:"tcp,omitempty"`
	// Interval between probe runs; default 5m.
	Interval Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
	// MaxAge is how long a success counts; default three intervals.
	MaxAge Duration `yaml:"max_age,omitempty" json:"max_age,omitempty"`
	// Timeout of one probe run; default 10s.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// Window sets what a post-go-live item needs over its phase's window.
	Window *Window `yaml:"window,omitempty" json:"window,omitempty"`
}

// Kind names the probe kind that is set.
func (p Probe) Kind() string {
	switch {
	case p.HTTP != nil:
		return "http"
	case p.TLS != nil:
		return "tls"
	case p.DNS != nil:
		return "dns"
	case p.TCP != nil:
		return "tcp"
	}
	return ""
}

// Window is the expectation over a post-go-live window's history.
type Window struct {
	// MinSuccess is the fraction of successful runs needed, e.g. 0.995.
	MinSuccess float64 `yaml:"min_success" json:"min_success"`
	// MaxP95 is the highest acceptable 95th-percentile latency.
	MaxP95 Duration `yaml:"max_p95,omitempty" json:"max_p95,omitempty"`
}

// HTTPProbe requests a URL and checks the answer.
type HTTPProbe struct {
	URL    string `yaml:"url" json:"url"`
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Status lists accepted status codes; default 200–399.
	Status     []int    `yaml:"status,omitempty" json:"status,omitempty"`
	Body       string   `yaml:"body,omitempty" json:"body,omitempty"`
	MaxLatency Duration `yaml:"max_latency,omitempty" json:"max_latency,omitempty"`
	// Headers name server-side secrets by reference: the value is the name
	// of a secret the server holds, never the secret itself.
	Headers map[string]SecretRef `yaml:"headers,omitempty" json:"headers,omitempty"`
}

// SecretRef names a secret the golive server holds.
type SecretRef struct {
	Secret string `yaml:"secret" json:"secret"`
}

// TLSProbe checks a certificate chain.
type TLSProbe struct {
	// Host is "host" or "host:port" (port 443 by default).
	Host string `yaml:"host" json:"host"`
	// ServerName overrides the SNI and the name checked.
	ServerName string `yaml:"server_name,omitempty" json:"server_name,omitempty"`
	MinDays    int    `yaml:"min_days,omitempty" json:"min_days,omitempty"`
	// CA was a path on golive's machine; it is refused (repo config never
	// names local files). Use CAPEM or CAName.
	CA string `yaml:"ca,omitempty" json:"ca,omitempty"`
	// CAPEM is a PEM bundle given inline, used instead of the system roots.
	CAPEM string `yaml:"ca_pem,omitempty" json:"ca_pem,omitempty"`
	// CAName names a bundle in the operator's GOLIVE_PROBE_CA_DIR.
	CAName string `yaml:"ca_name,omitempty" json:"ca_name,omitempty"`
}

// DNSProbe resolves a name and compares the records.
type DNSProbe struct {
	Name string `yaml:"name" json:"name"`
	Type string `yaml:"type" json:"type"`
	// Values that must all be present; empty means any answer will do.
	Values   []string `yaml:"values,omitempty" json:"values,omitempty"`
	Resolver string   `yaml:"resolver,omitempty" json:"resolver,omitempty"`
}

// TCPProbe connects to an address.
type TCPProbe struct {
	Address string `yaml:"address" json:"address"`
}
