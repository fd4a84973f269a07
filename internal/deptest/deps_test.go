// Package deptest keeps golive's dependency arrows pointing inward: pure
// packages do no I/O and read no clock, adapters never import each other,
// ports declare the interfaces they need instead of importing adapters,
// and only cli wires everything. Every package under internal/, sub-folders
// included, must be classified here: a new package fails until it is.
package deptest

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/ag06mixer/golive/"

type class string

const (
	// pure: deciding and rendering, no I/O, no clock, no randomness.
	pure class = "pure"
	// adapter: talks to the outside world; none imports another.
	adapter class = "adapter"
	// port: holds the flow between core and adapters and declares the
	// interfaces it needs; it imports no adapter and not the wiring.
	port class = "port"
	// support: small shared parts (metrics, test doubles, load tools)
	// that import no adapter but their own.
	support class = "support"
	// wiring: the composition root, the only package that names every
	// adapter.
	wiring class = "wiring"
	// command: the command line, flags and subcommands. It starts golive
	// through the wiring and may use adapters for its own subcommands
	// (simulate reads GitHub, the demo runs the fake); nothing under
	// internal/ imports it, the wiring least of all.
	command class = "command"
)

// classes classifies every package under internal/ by its path there.
var classes = map[string]class{
	"checklist": pure, "command": pure, "mdtext": pure, "overview": pure, "release": pure, "render": pure, "receipt": pure, "queue": pure,
	"githubapi": adapter, "redisstore": adapter, "probe": adapter, "server": adapter, "githubfake": adapter,
	"notify": adapter,
	"worker": port, "tracker": port, "webhook": port, "redeliver": port,
	"metrics": support, "loadgen": support, "ghconv": support, "redisstore/redistest": support, "tracker/trackertest": support,
	"app": wiring, "cli": command,
}

// forbiddenInPure are imports that mean I/O, a clock source, randomness or
// a GitHub type.
// "net" and "net/url" stay allowed: checklist parses host:port and URLs
// with them and never dials.
var forbiddenInPure = []string{"net/http", "os", "os/exec", "io/ioutil", "math/rand", "math/rand/v2", "crypto/rand", "github.com/google/go-github", "github.com/redis", "github.com/gin-gonic", "syscall"}

var clockReads = []string{"time.Now(", "time.Since(", "time.Until(", "time.Sleep(", "time.After(", "time.Tick("}

type pkg struct {
	imports map[string]bool
	source  string // non-test source, for clock reads
}

// load reads every package under root (a directory of Go packages, at any
// depth), keyed by its slash path below root.
func load(t *testing.T, root string) map[string]pkg {
	t.Helper()
	out := map[string]pkg{}
	err := filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if d.Name() == "testdata" {
			return filepath.SkipDir
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		p := pkg{imports: map[string]bool{}}
		var src strings.Builder
		n := 0
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			n++
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, im := range af.Imports {
				path, _ := strconv.Unquote(im.Path.Value)
				p.imports[path] = true
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			src.Write(b)
		}
		if n > 0 {
			rel, _ := filepath.Rel(root, dir)
			p.source = src.String()
			out[filepath.ToSlash(rel)] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// check returns every rule the packages break, sorted.
func check(pkgs map[string]pkg, classes map[string]class) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	for name, p := range pkgs {
		c, known := classes[name]
		if !known {
			bad("package internal/%s is not classified: add it to deptest's classes (pure, adapter, port, support, wiring or command)", name)
			continue
		}
		for im := range p.imports {
			internal, isInternal := strings.CutPrefix(im, module+"internal/")
			ic := classes[internal]
			switch c {
			case pure:
				for _, f := range forbiddenInPure {
					if im == f || strings.HasPrefix(im, f+"/") {
						bad("pure package %s imports %s", name, im)
					}
				}
				if isInternal && ic != pure {
					bad("pure package %s imports %s, which is not pure", name, internal)
				}
			case adapter:
				if isInternal && ic == adapter && internal != name {
					bad("adapter %s imports adapter %s; wire them in app instead", name, internal)
				}
			case port, support:
				if isInternal && ic == adapter && !strings.HasPrefix(name, internal+"/") {
					bad("%s %s imports adapter %s; it should declare the interface it needs", c, name, internal)
				}
			}
			if isInternal && ic == wiring && c != wiring && c != command {
				bad("%s imports %s, the composition root", name, internal)
			}
			if isInternal && ic == command {
				bad("%s imports %s, the command line", name, internal)
			}
		}
		if c == pure {
			for _, clock := range clockReads {
				if strings.Contains(p.source, clock) {
					bad("pure package %s reads the clock (%s)", name, clock)
				}
			}
		}
	}
	for name := range classes {
		if _, ok := pkgs[name]; !ok {
			bad("deptest classifies internal/%s, which does not exist", name)
		}
	}
	slices.Sort(out)
	return out
}

func TestImportDirection(t *testing.T) {
	pkgs := load(t, "..")
	if len(pkgs) < 10 {
		t.Fatalf("found %d packages, want the internal tree", len(pkgs))
	}
	if _, ok := pkgs["redisstore/redistest"]; !ok {
		t.Fatal("sub-folder packages are not loaded")
	}
	for _, p := range check(pkgs, classes) {
		t.Error(p)
	}
}

// TestCheckCatches is the test of the test: each rule, broken once in a
// made-up tree, is reported.
func TestCheckCatches(t *testing.T) {
	in := func(path string) string { return module + "internal/" + path }
	tree := map[string]pkg{
		"release":     {imports: map[string]bool{"net/http": true, in("redisstore"): true}, source: "x := time.Now()"},
		"redisstore":  {imports: map[string]bool{in("githubapi"): true}},
		"githubapi":   {imports: map[string]bool{}},
		"worker":      {imports: map[string]bool{in("probe"): true, in("cli"): true}},
		"probe":       {imports: map[string]bool{}},
		"cli":         {imports: map[string]bool{in("redisstore"): true}},
		"cmdline":     {imports: map[string]bool{in("front"): true}},
		"front":       {imports: map[string]bool{in("cli"): true, in("redisstore"): true}},
		"newthing":    {imports: map[string]bool{}},
		"worker/lane": {imports: map[string]bool{}},
	}
	cls := map[string]class{"release": pure, "redisstore": adapter, "githubapi": adapter, "worker": port, "probe": adapter, "cli": wiring, "cmdline": support, "front": command, "gone": support}
	got := strings.Join(check(tree, cls), "\n")
	for _, want := range []string{
		"package internal/newthing is not classified",
		"package internal/worker/lane is not classified",
		"pure package release imports net/http",
		"pure package release imports redisstore, which is not pure",
		"pure package release reads the clock",
		"adapter redisstore imports adapter githubapi",
		"port worker imports adapter probe",
		"worker imports cli, the composition root",
		"cmdline imports front, the command line",
		"deptest classifies internal/gone, which does not exist",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check did not report %q; it said:\n%s", want, got)
		}
	}
	if strings.Contains(got, "cli imports") || strings.Contains(got, "front imports") {
		t.Errorf("the wiring and the command line may import adapters, and the command line the wiring; check said:\n%s", got)
	}
}
