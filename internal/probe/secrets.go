package probe

import (
	"fmt"
	"path"
	"strings"
)

// ErrSecretScope is returned when a probe may not use a secret.
var errSecretScope = fmt.Errorf("%w: secret not usable here", ErrRefused)

// secretEnv is the variable that holds the secret named ref.
func secretEnv(ref string) string {
	return "GOLIVE_SECRET_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(ref))
}

// EnvSecrets returns a Secret function reading GOLIVE_SECRET_<REF> and its
// scope GOLIVE_SECRET_<REF>_REPOS: comma-separated "org/*" or "org/repo".
// A secret with no scope is usable by no repository: fail closed.
func EnvSecrets(getenv func(string) string) func(ref, repo string) (string, error) {
	return func(ref, repo string) (string, error) {
		name := secretEnv(ref)
		v := getenv(name)
		if v == "" {
			return "", fmt.Errorf("secret %q: the server does not hold it", ref)
		}
		scope := getenv(name + "_REPOS")
		if strings.TrimSpace(scope) == "" {
			return "", fmt.Errorf("%w: secret %q has no scope; the operator lists the repositories that may use it in %s_REPOS", errSecretScope, ref, name)
		}
		if repo == "" || !inScope(scope, repo) {
			return "", fmt.Errorf("%w: secret %q is not scoped to %s (see %s_REPOS)", errSecretScope, ref, orNone(repo), name)
		}
		return v, nil
	}
}

func orNone(repo string) string {
	if repo == "" {
		return "an unknown repository"
	}
	return repo
}

// inScope reports whether repo ("owner/name") matches one of the patterns.
func inScope(scope, repo string) bool {
	repo = strings.ToLower(repo)
	for _, p := range strings.Split(scope, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		org, name, ok := strings.Cut(p, "/")
		if !ok || org == "" || name == "" || strings.ContainsAny(org, "*?[") {
			continue // an org wildcard or a bare "*" would scope to everyone
		}
		if name != "*" && strings.ContainsAny(name, "*?[") {
			continue
		}
		if ok, _ := path.Match(p, repo); ok {
			return true
		}
	}
	return false
}
