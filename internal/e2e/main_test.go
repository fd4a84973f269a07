// Package e2e holds golive's end-to-end, scenario and browser tests. Each
// starts golive as production does, through app.New, on loopback: a real
// (or embedded) Redis, a fake GitHub that checks every request against
// GitHub's OpenAPI description, and real webhook payloads.
package e2e

import (
	"context"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ag06mixer/golive/internal/cli"
)

// TestMain also installs golive itself as the "golive" command, for the
// tests that run it as a process (kill, log secrets).
func TestMain(m *testing.M) {
	parallelByDefault()
	testscript.Main(m, map[string]func(){
		"golive": func() {
			os.Exit(cli.Run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// e2eParallel is how many of this package's tests run at once unless
// -test.parallel says otherwise. They spend their time waiting on
// queues, timers and loopback HTTP, not on the CPU (user time is about a
// third of wall time), so the default of GOMAXPROCS would leave a 2-core
// machine mostly idle. At 8, CI failed on tests that assumed fewer.
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
