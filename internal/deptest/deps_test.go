// Package deptest keeps golive's dependency arrows pointing inward: pure
// packages do no I/O and read no clock, adapters never import each other,
// and only cli wires everything.
package deptest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/ag06mixer/golive/"

// pure packages: deciding and rendering, no I/O.
var pure = map[string]bool{"checklist": true, "command": true, "mdtext": true, "overview": true, "release": true, "render": true}

// adapters talk to the outside world; none may import another.
var adapters = map[string]bool{"githubapi": true, "redisstore": true, "probe": true, "server": true, "githubfake": true}

// forbiddenInPure are imports that mean I/O, a clock source, randomness or
// a GitHub type.
// "net" and "net/url" stay allowed: checklist parses host:port and URLs
// with them and never dials.
var forbiddenInPure = []string{"net/http", "os", "os/exec", "io/ioutil", "math/rand", "math/rand/v2", "crypto/rand", "github.com/google/go-github", "github.com/redis", "github.com/gin-gonic", "syscall"}

type pkg struct {
	imports map[string]bool
	source  string // non-test source, for clock reads
}

func load(t *testing.T) map[string]pkg {
	t.Helper()
	out := map[string]pkg{}
	dirs, err := filepath.Glob("../*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		p := pkg{imports: map[string]bool{}}
		var src strings.Builder
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			fs := token.NewFileSet()
			af, err := parser.ParseFile(fs, f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range af.Imports {
				path, _ := strconv.Unquote(im.Path.Value)
				p.imports[path] = true
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src.Write(b)
		}
		if len(files) > 0 {
			p.source = src.String()
			out[name] = p
		}
	}
	return out
}

func TestImportDirection(t *testing.T) {
	pkgs := load(t)
	if len(pkgs) < 4 {
		t.Fatalf("found %d packages, want the internal tree", len(pkgs))
	}
	for name, p := range pkgs {
		for im := range p.imports {
			internal, isInternal := strings.CutPrefix(im, module+"internal/")
			switch {
			case pure[name]:
				for _, bad := range forbiddenInPure {
					if im == bad || strings.HasPrefix(im, bad+"/") {
						t.Errorf("pure package %s imports %s", name, im)
					}
				}
				if isInternal && !pure[internal] {
					t.Errorf("pure package %s imports %s, which is not pure", name, internal)
				}
			case adapters[name]:
				if isInternal && adapters[internal] && !(name == "githubfake" && internal == "githubfake") {
					t.Errorf("adapter %s imports adapter %s; wire them in cli instead", name, internal)
				}
				if isInternal && internal == "cli" {
					t.Errorf("%s imports cli", name)
				}
			case name == "worker" || name == "webhook" || name == "redeliver":
				if isInternal && (adapters[internal] || internal == "cli") {
					t.Errorf("%s imports %s; it should declare the interface it needs", name, internal)
				}
			}
		}
		if pure[name] {
			for _, clock := range []string{"time.Now(", "time.Since(", "time.Until(", "time.Sleep(", "time.After(", "time.Tick("} {
				if strings.Contains(p.source, clock) {
					t.Errorf("pure package %s reads the clock (%s)", name, clock)
				}
			}
		}
	}
}
