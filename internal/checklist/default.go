package checklist

import (
	"regexp"
	"sync"

	"github.com/ag06mixer/golive/config"
)

// DefaultName is how the built-in layer is named in problem positions.
const DefaultName = "(built-in)/production-readiness.yml"

var defaultFile = sync.OnceValues(func() (*File, error) {
	return Parse(DefaultName, config.ProductionReadiness)
})

// Default returns the built-in layer, parsed once. A test proves it
// parses, so an error here is a build that should never have shipped.
func Default() (*File, error) { return defaultFile() }

// DefaultConfig resolves the built-in layer on its own.
func DefaultConfig() (*Config, error) {
	f, err := Default()
	if err != nil {
		return nil, err
	}
	return Resolve(f)
}

// Matches reports whether a pull request is a release PR under m.
func (m Matcher) Matches(head, base, title string, labels []string) bool {
	if len(m.BaseBranches) > 0 && !anyGlob(m.BaseBranches, base) {
		return false
	}
	if anyGlob(m.HeadBranches, head) {
		return true
	}
	for _, l := range labels {
		for _, want := range m.Labels {
			if equalFold(l, want) {
				return true
			}
		}
	}
	if m.Title != "" {
		if re, err := regexp.Compile(m.Title); err == nil && re.MatchString(title) {
			return true
		}
	}
	return false
}

// DefaultConfigWith resolves the built-in layer under a layer that sets
// only vars, as a repository that names its endpoints would: its probe
// items then probe, instead of waiting to be configured.
func DefaultConfigWith(vars map[string]string) (*Config, error) {
	f, err := Default()
	if err != nil {
		return nil, err
	}
	return Resolve(f, &File{Name: "(vars)", Version: 1, Vars: vars})
}

// ExampleVars are endpoints for examples and tests (the .example TLD is
// reserved: nothing answers there).
var ExampleVars = map[string]string{"base_url": "https://shop.example.com", "host": "shop.example.com"}
