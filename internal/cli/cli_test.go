package cli_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ag06mixer/golive/internal/cli"
)

func TestMain(m *testing.M) {
	parallelByDefault()
	testscript.Main(m, map[string]func(){
		"golive": func() {
			os.Exit(cli.Run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// e2eParallel is how many of this package's tests run at once unless
// -test.parallel says otherwise. Its end-to-end tests spend their time
// waiting on queues, timers and loopback HTTP, not on the CPU (user time
// is about a third of wall time), so the default of GOMAXPROCS would
// leave a 2-core machine mostly idle.
const e2eParallel = 4

func parallelByDefault() {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(strings.TrimLeft(a, "-"), "test.parallel") {
			return
		}
	}
	if f := flag.Lookup("test.parallel"); f != nil {
		_ = f.Value.Set(strconv.Itoa(e2eParallel))
	}
}

// TestScript runs testdata/script/*.txtar: golive as a user runs it.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}

// TestExitCodes checks the documented exit codes, which testscript's
// exec only tells apart as zero or not.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yml")
	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(good, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("version: 1\nbogus: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"validate", good}, 0},
		{[]string{"validate", bad}, 1},
		{[]string{"validate", good, bad}, 1},
		{[]string{"validate"}, 2},
		{[]string{"validate", "-x", good}, 2},
		{[]string{"render", "--format", "yaml"}, 2},
		{[]string{"render", "extra"}, 2},
		{[]string{"nosuch"}, 2},
		{[]string{}, 2},
		{[]string{"version"}, 0},
		{[]string{"render", "-h"}, 0},
	} {
		var out, errb bytes.Buffer
		got := cli.Run(context.Background(), tc.args, func(string) string { return "" }, nil, &out, &errb)
		if got != tc.want {
			t.Errorf("golive %v: got exit %d, want %d (stderr %q)", tc.args, got, tc.want, errb.String())
		}
	}
}
