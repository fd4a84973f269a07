package worker

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/tracker"
)

// panickyClients panics where golive asks for a GitHub client: before any
// release lock is taken, so only handleSafely stands between the panic
// and the process.
type panickyClients struct{}

func (panickyClients) Installation(int64) (GitHub, error) { panic("installation client exploded") }
func (panickyClients) Installations(context.Context) ([]int64, error) {
	panic("installation list exploded")
}

// TestPanicOutsideLockIsRecovered: a panic in handling one event outside
// any release lock (here in picking the installation's client, on the
// merge-queue path that takes no lock) comes back as a *panicError, which
// process dead-letters and counts; it never reaches the goroutine.
func TestPanicOutsideLockIsRecovered(t *testing.T) {
	body, err := os.ReadFile("../../testdata/webhooks/merge_group/checks_requested.json")
	if err != nil {
		t.Fatal(err)
	}
	w := New(Options{GitHub: panickyClients{}})
	_, err = w.handleSafely(context.Background(), Delivery{ID: "d-1", Event: "merge_group", Payload: body, Attempt: 1, Received: time.Now()})
	var pe *tracker.PanicError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "installation client exploded") {
		t.Fatalf("handleSafely = %v, want the recovered panic", err)
	}
	if len(pe.Stack) == 0 {
		t.Error("the recovered panic carries no stack for the log")
	}
}
