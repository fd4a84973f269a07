package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLongTestsRunInCI: every test that calls long(t) is named
// TestScenario…, and .ci/run's long steps run exactly that name with
// GOLIVE_TEST_LONG=1, under the race detector and without it. Before,
// four tests skipped under -short were run by no CI step at all.
func TestLongTestsRunInCI(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	longs := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Test") || !callsLong(fn.Body) {
				continue
			}
			longs++
			if !strings.HasPrefix(fn.Name.Name, longPrefix) {
				t.Errorf("%s: %s calls long(t) but is not named %s…", fset.Position(fn.Pos()), fn.Name.Name, longPrefix)
			}
		}
	}
	if longs == 0 {
		t.Fatal("no test calls long(t)")
	}
	ci, err := os.ReadFile(filepath.Join("..", "..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for line := range strings.SplitSeq(string(ci), "\n") {
		if strings.Contains(line, "GOLIVE_TEST_LONG=1") && strings.Contains(line, "-run '^"+longPrefix+"'") && strings.Contains(line, "./internal/e2e") {
			steps++
		}
	}
	if steps != 2 {
		t.Errorf(".ci/run has %d steps running GOLIVE_TEST_LONG=1 go test -run '^%s' ./internal/e2e, want 2 (with -race and without)", steps, longPrefix)
	}
}

func callsLong(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "long" {
				found = true
			}
		}
		return !found
	})
	return found
}
