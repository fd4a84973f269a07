package redeliver_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/redeliver"
)

var now = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func at(ago time.Duration) time.Time { return now.Add(-ago) }

func TestFailed(t *testing.T) {
	cases := []struct {
		name string
		read []redeliver.Delivery
		want []int64 // attempt ids asked for, oldest first
	}{
		{"a 503 is asked for", []redeliver.Delivery{{ID: 1, GUID: "a", At: at(time.Minute), StatusCode: 503}}, []int64{1}},
		{"no answer (timeout) is asked for", []redeliver.Delivery{{ID: 1, GUID: "a", At: at(time.Minute), StatusCode: 0}}, []int64{1}},
		{"a 400 or 401 is asked for too", []redeliver.Delivery{{ID: 1, GUID: "a", At: at(2 * time.Minute), StatusCode: 401}, {ID: 2, GUID: "b", At: at(time.Minute), StatusCode: 400}}, []int64{1, 2}},
		{"202 and 200 (duplicate) are taken", []redeliver.Delivery{{ID: 1, GUID: "a", At: at(time.Minute), StatusCode: 202}, {ID: 2, GUID: "b", At: at(time.Minute), StatusCode: 200}}, nil},
		{"a 302 is not taken", []redeliver.Delivery{{ID: 1, GUID: "a", At: at(time.Minute), StatusCode: 302}}, []int64{1}},
		{"a redelivery answered 202 settles the first 503", []redeliver.Delivery{
			{ID: 2, GUID: "a", At: at(time.Minute), StatusCode: 202, Redelivery: true},
			{ID: 1, GUID: "a", At: at(time.Hour), StatusCode: 503}}, nil},
		{"a 2xx settles the GUID whatever came after", []redeliver.Delivery{
			{ID: 2, GUID: "a", At: at(time.Minute), StatusCode: 503, Redelivery: true},
			{ID: 1, GUID: "a", At: at(time.Hour), StatusCode: 202}}, nil},
		{"the newest failed attempt of a GUID is asked, once", []redeliver.Delivery{
			{ID: 3, GUID: "a", At: at(time.Minute), StatusCode: 503, Redelivery: true},
			{ID: 1, GUID: "a", At: at(time.Hour), StatusCode: 503}}, []int64{3}},
		{"equal times: the higher id is newer", []redeliver.Delivery{
			{ID: 4, GUID: "a", At: at(time.Minute), StatusCode: 503},
			{ID: 5, GUID: "a", At: at(time.Minute), StatusCode: 500}}, []int64{5}},
		{"outside the window is left", []redeliver.Delivery{
			{ID: 1, GUID: "a", At: at(redeliver.Window + time.Second), StatusCode: 503},
			{ID: 2, GUID: "b", At: at(redeliver.Window), StatusCode: 503},
			{ID: 3, GUID: "c", At: at(redeliver.Window - time.Second), StatusCode: 503}}, []int64{3}},
		{"no GUID, nothing to dedupe on: left", []redeliver.Delivery{{ID: 1, At: at(time.Minute), StatusCode: 503}}, nil},
		{"oldest first", []redeliver.Delivery{
			{ID: 9, GUID: "c", At: at(time.Minute), StatusCode: 503},
			{ID: 8, GUID: "b", At: at(2 * time.Minute), StatusCode: 503},
			{ID: 7, GUID: "a", At: at(3 * time.Minute), StatusCode: 503}}, []int64{7, 8, 9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []int64
			for _, d := range redeliver.Failed(c.read, now, redeliver.Window) {
				got = append(got, d.ID)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("asked for (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanSkipsAsked(t *testing.T) {
	read := []redeliver.Delivery{
		{ID: 2, GUID: "b", At: at(time.Minute), StatusCode: 503},
		{ID: 1, GUID: "a", At: at(2 * time.Minute), StatusCode: 503},
	}
	got := redeliver.GUIDs(redeliver.Plan(read, map[string]bool{"a": true}, now, redeliver.Window))
	if diff := cmp.Diff([]string{"b"}, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if got := redeliver.Plan(read, map[string]bool{"a": true, "b": true}, now, redeliver.Window); len(got) != 0 {
		t.Errorf("asked again for %v", got)
	}
}

func TestSinceAndDone(t *testing.T) {
	if got, want := redeliver.Since(now, time.Time{}, redeliver.Window), at(redeliver.Window); !got.Equal(want) {
		t.Errorf("never swept: since %v, want the window's start %v", got, want)
	}
	if got, want := redeliver.Since(now, at(5*time.Minute), redeliver.Window), at(5*time.Minute+redeliver.Overlap); !got.Equal(want) {
		t.Errorf("swept 5 minutes ago: since %v, want %v", got, want)
	}
	if got, want := redeliver.Since(now, at(redeliver.Window+time.Hour), redeliver.Window), at(redeliver.Window); !got.Equal(want) {
		t.Errorf("mark older than the window: since %v, want %v", got, want)
	}
	since := at(10 * time.Minute)
	page := []redeliver.Delivery{{At: at(time.Minute)}, {At: at(9 * time.Minute)}}
	if redeliver.Done(page, since) {
		t.Error("stopped on a page newer than since")
	}
	// Not sorted by time (a timed-out attempt lists late): the oldest counts.
	page = append(page, redeliver.Delivery{At: at(11 * time.Minute)}, redeliver.Delivery{At: at(2 * time.Minute)})
	if !redeliver.Done(page, since) {
		t.Error("read on past since")
	}
	if !redeliver.Done(nil, since) {
		t.Error("read on past an empty page")
	}
}

// TestSlot: the first ask is the GUID; each redelivery that came back
// failed earns one more, up to MaxAsks.
func TestSlot(t *testing.T) {
	read := []redeliver.Delivery{{ID: 1, GUID: "a", At: at(3 * time.Minute), StatusCode: 503}}
	if got := redeliver.Slot(read, "a"); got != "a" {
		t.Errorf("first ask: slot %q, want a", got)
	}
	read = append(read, redeliver.Delivery{ID: 2, GUID: "a", At: at(2 * time.Minute), StatusCode: 0, Redelivery: true})
	if got := redeliver.Slot(read, "a"); got != "a#1" {
		t.Errorf("after one failed redelivery: slot %q, want a#1", got)
	}
	if got := redeliver.GUIDs(redeliver.Plan(read, map[string]bool{"a": true}, now, redeliver.Window)); len(got) != 1 {
		t.Errorf("a failed redelivery is not asked for again: plan %v", got)
	}
	if got := redeliver.Plan(read, map[string]bool{"a": true, "a#1": true}, now, redeliver.Window); len(got) != 0 {
		t.Errorf("the second ask made twice: plan %v", got)
	}
	for i := range redeliver.MaxAsks {
		read = append(read, redeliver.Delivery{ID: int64(3 + i), GUID: "a", At: at(time.Minute), StatusCode: 503, Redelivery: true})
	}
	if got := redeliver.Slot(read, "a"); got != "" {
		t.Errorf("after %d failed redeliveries: slot %q, want none", redeliver.MaxAsks+1, got)
	}
	if got := redeliver.Plan(read, map[string]bool{}, now, redeliver.Window); len(got) != 0 {
		t.Errorf("asked past MaxAsks: plan %v", got)
	}
}
