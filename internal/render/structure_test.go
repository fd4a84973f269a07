package render_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// Every tracking issue golive renders is well-formed GFM: the goldens,
// and a fresh release without a head (what `golive render` prints), which
// also ends no note on a dangling "on".
func TestBodiesWellFormed(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*issue*.golden")
	paths = append(paths, "testdata/demo-final.md.golden")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := render.Structure(string(b)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	s := release.New(release.Key{Owner: "OWNER", Repo: "REPO", PR: 1})
	body := render.Issue(defaultConfig(t), s, t0)
	if err := render.Structure(body); err != nil {
		t.Errorf("a fresh release: %v", err)
	}
	if strings.Contains(body, "` on\n") || strings.Contains(body, "` on \n") {
		t.Errorf("a note ends on a dangling \"on\":\n%s", body)
	}
}

func TestStructureFindsBreakage(t *testing.T) {
	ok := "<details><summary>✅ A — 1/1</summary>\n\n- [x] <!-- golive:item a --> A\n\n</details>\n\n| a | b |\n|---|---|\n| `x` | y |\n"
	if err := render.Structure(ok); err != nil {
		t.Fatalf("a well-formed body: %v", err)
	}
	for name, bad := range map[string]string{
		"details never closed":     strings.Replace(ok, "</details>\n", "", 1),
		"no blank after summary":   strings.Replace(ok, "</summary>\n\n", "</summary>\n", 1),
		"nested details":           strings.Replace(ok, "\n- [x]", "\n<details><summary>x</summary>\n\n- [x]", 1),
		"code span never closed":   strings.Replace(ok, "`x`", "`x", 1),
		"raw HTML":                 strings.Replace(ok, " A\n", " <b>A</b>\n", 1),
		"marker not at line start": ok + "text <!-- golive:item b -->\n",
		"table column too many":    strings.Replace(ok, "| `x` | y |", "| `x` | y | z |", 1),
		"closing nothing":          ok + "\n</details>\n",
	} {
		if render.Structure(bad) == nil {
			t.Errorf("%s: not found", name)
		}
	}
}
