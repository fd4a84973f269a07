package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ag06mixer/golive/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"golive": func() {
			os.Exit(cli.Run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
		},
	})
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
