package checklist_test

import (
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/checklist"
)

const lockedOrg = `version: 1
roles:
  - id: security
    title: Security Review
    teams: [acme/security]
    locked: true
rules:
  author_may_sign: false
  locked: true
override:
  unit-tests-comprehensive-and-passing:
    locked: true
sections:
  - id: org
    title: Org
    groups:
      - id: org-g
        title: G
        items:
          - {id: pentest, title: Pentest done, locked: true}
`

// TestOrgLocksHold: a repo layer may not drop, weaken or redefine what
// the org locked; each attempt is a problem at its line, and the org's
// version is what the merge keeps.
func TestOrgLocksHold(t *testing.T) {
	def, _ := checklist.Default()
	org, err := checklist.Parse("org.yml", []byte(lockedOrg))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, src, want string }{
		{"inherit false", "version: 1\ninherit: false\nrelease: {labels: [r]}\n", `repo.yml:2:10: inherit: false would drop what org.yml locked`},
		{"drop locked item", "version: 1\ndrop: [pentest]\n", `repo.yml:2:8: drop "pentest": it is or holds an item locked by org.yml`},
		{"drop its group", "version: 1\ndrop: [org-g]\n", `repo.yml:2:8: drop "org-g": it is or holds an item locked by org.yml`},
		{"drop its section", "version: 1\ndrop: [org]\n", `repo.yml:2:8: drop "org": it is or holds an item locked by org.yml`},
		{"make it optional", "version: 1\noverride:\n  pentest: {required: false}\n", `repo.yml:3:3: override "pentest": the item is locked by org.yml`},
		{"unlock a default item", "version: 1\noverride:\n  unit-tests-comprehensive-and-passing: {locked: false, required: false}\n", `repo.yml:3:3: override "unit-tests-comprehensive-and-passing": the item is locked by org.yml`},
		{"redefine role teams", "version: 1\nroles:\n  - {id: security, title: S, teams: [acme/interns]}\n", `repo.yml:3:10: role "security" is locked by org.yml`},
		{"author may sign", "version: 1\nrules:\n  author_may_sign: true\n", `repo.yml:3:20: rules are locked by org.yml; this layer may not set author_may_sign`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, err := checklist.Parse("repo.yml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			_, err = checklist.Resolve(def, org, repo)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	// Adding items to a locked org's checklist is still fine.
	repo, err := checklist.Parse("repo.yml", []byte("version: 1\noverride:\n  iam-permissions: {required: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := checklist.Resolve(def, org, repo)
	if err != nil {
		t.Fatalf("an unlocked change: %v", err)
	}
	if r, _ := c.Role("security"); len(r.Teams) != 1 || r.Teams[0] != "acme/security" {
		t.Errorf("got teams %v, want the org's", r.Teams)
	}
}
