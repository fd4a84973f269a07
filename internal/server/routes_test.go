package server

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every route golive serves is registered in routes.go: a reader finds
// them all in one file, and a route added elsewhere fails here.
func TestEveryRouteInRoutesGo(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	register := regexp.MustCompile(`\.(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|Any|Handle|Match|Group|NoRoute)\(`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := len(register.FindAllIndex(data, -1))
		if f == "routes.go" {
			found = n
			continue
		}
		if n > 0 {
			t.Errorf("%s registers %d route(s): every route belongs in routes.go", f, n)
		}
	}
	if found == 0 {
		t.Fatal("routes.go registers no route: the check reads the wrong files")
	}
}
