package deploy_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsNameRealTests: every test the docs cite as pkg.TestName (the
// security attack table's pins, the readiness and benchmark notes) is a
// test of that name in a package of that name, so a test moved to
// another package, or renamed, cannot leave the table pointing nowhere.
func TestDocsNameRealTests(t *testing.T) {
	have := testsByPackage(t)
	cite := regexp.MustCompile(`\b([a-z][a-z0-9]*)\.((?:Test|Benchmark|Fuzz)[A-Za-z0-9_]+)`)
	docs, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	docs = append(docs, filepath.Join("..", "README.md"))
	checked := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range cite.FindAllStringSubmatch(line, -1) {
				pkg, name := m[1], m[2]
				checked++
				if !have[pkg][name] {
					where := []string{}
					for p, names := range have {
						if names[name] {
							where = append(where, p)
						}
					}
					t.Errorf("%s:%d cites %s.%s, which is no test of a package %s (found in: %v)", filepath.Base(doc), i+1, pkg, name, pkg, where)
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("found only %d cited tests in the docs: is the pattern wrong?", checked)
	}
}

// testsByPackage maps each package name of the module to the Test,
// Benchmark and Fuzz functions its test files declare.
func testsByPackage(t *testing.T) map[string]map[string]bool {
	t.Helper()
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz)\w+)\(`)
	pkgLine := regexp.MustCompile(`(?m)^package (\w+)`)
	have := map[string]map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m := pkgLine.FindSubmatch(b)
		if m == nil {
			return nil
		}
		pkg := strings.TrimSuffix(string(m[1]), "_test")
		if have[pkg] == nil {
			have[pkg] = map[string]bool{}
		}
		for _, f := range decl.FindAllSubmatch(b, -1) {
			have[pkg][string(f[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return have
}
