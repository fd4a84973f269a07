// Package redeliver asks GitHub again for the webhook deliveries golive
// did not take: it lists the App's deliveries (GET /app/hook/deliveries),
// finds those golive answered with anything but 2xx or never answered,
// within GitHub's three-day redelivery window, and asks for each once
// (POST /app/hook/deliveries/{id}/attempts); again, up to MaxAsks in all,
// when every redelivery asked for came back failed.
//
// The decision (Failed, Plan, Since, Done) is pure: no I/O, no clock. The
// Sweeper around it reads GitHub and Redis through two small interfaces,
// holds a lease so one replica sweeps at a time, and remembers what it
// asked for, so no ask is made twice.
package redeliver

import (
	"sort"
	"strconv"
	"time"
)

// Window is how far back GitHub lets a delivery be redelivered: three
// days (GitHub's documentation of redelivery, seen 2026-12).
const Window = 72 * time.Hour

// Overlap is how far before the last clean sweep's start the next sweep
// still reads. GitHub lists a delivery once its attempt has ended: an
// attempt that waited out GitHub's 10-second timeout on golive can show
// up after newer ones that golive answered at once. Ten minutes covers
// that many times over; re-reading costs nothing, as what was asked is
// remembered.
const Overlap = 10 * time.Minute

// Delivery is one attempt in the App's delivery list.
type Delivery struct {
	// ID names this attempt; POST .../deliveries/{ID}/attempts redelivers.
	ID int64
	// GUID is the X-GitHub-Delivery header, kept by every redelivery.
	GUID string
	// At is when GitHub made the attempt (delivered_at).
	At time.Time
	// StatusCode is what golive answered; 0 when it never answered (a
	// timeout, a refused connection).
	StatusCode int
	Redelivery bool
	Event      string
}

// Taken reports whether golive took the delivery: it answered 2xx.
func (d Delivery) Taken() bool { return d.StatusCode >= 200 && d.StatusCode < 300 }

// Since is where a sweep at now may stop reading: the start of the window,
// or Overlap before the last clean sweep (mark), whichever is later. A
// zero mark (never swept) reads the whole window.
func Since(now, mark time.Time, window time.Duration) time.Time {
	since := now.Add(-window)
	if !mark.IsZero() {
		if m := mark.Add(-Overlap); m.After(since) {
			since = m
		}
	}
	return since
}

// Done reports whether a sweep has read far enough after page (the
// deliveries list is newest first): the page is empty or its oldest
// attempt is from before since.
func Done(page []Delivery, since time.Time) bool {
	if len(page) == 0 {
		return true
	}
	oldest := page[0].At
	for _, d := range page[1:] {
		if d.At.Before(oldest) {
			oldest = d.At
		}
	}
	return oldest.Before(since)
}

// Failed picks, from every attempt a sweep read, the deliveries golive did
// not take: per GUID, when no attempt of it was answered 2xx, its newest
// attempt, if that attempt is still inside the window at now. They come
// oldest first, each GUID once.
//
// Any 2xx settles a GUID whatever its other attempts say: golive queued
// it (or knew it for a duplicate), and a redelivery would only be deduped.
func Failed(read []Delivery, now time.Time, window time.Duration) []Delivery {
	taken := map[string]bool{}
	newest := map[string]Delivery{}
	for _, d := range read {
		if d.GUID == "" {
			continue
		}
		if d.Taken() {
			taken[d.GUID] = true
			continue
		}
		if cur, ok := newest[d.GUID]; !ok || later(d, cur) {
			newest[d.GUID] = d
		}
	}
	start := now.Add(-window)
	var out []Delivery
	for guid, d := range newest {
		if taken[guid] || !d.At.After(start) {
			continue
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return later(out[j], out[i]) })
	return out
}

// MaxAsks is how often one delivery is asked for at most. A redelivery
// can fail too (it reaches a replica in the second its Redis client takes
// to reconnect, or during a rolling restart): when every redelivery asked
// for so far has come back failed, the delivery is asked for again, up to
// this many times in all.
const MaxAsks = 3

// Slot names one ask for a delivery: its GUID for the first, GUID#n for
// the (n+1)th, asked once every n earlier redeliveries have come back
// failed. The sweeper remembers slots, so each ask happens once however
// many sweeps see it; "" means the delivery has been asked for MaxAsks
// times.
func Slot(read []Delivery, guid string) string {
	failed := 0
	for _, d := range read {
		if d.GUID == guid && d.Redelivery && !d.Taken() {
			failed++
		}
	}
	switch {
	case failed == 0:
		return guid
	case failed >= MaxAsks:
		return ""
	}
	return guid + "#" + strconv.Itoa(failed)
}

// Plan is Failed without the asks already made (asked holds slots): the
// deliveries a sweep asks GitHub to redeliver.
func Plan(read []Delivery, asked map[string]bool, now time.Time, window time.Duration) []Delivery {
	var out []Delivery
	for _, d := range Failed(read, now, window) {
		if slot := Slot(read, d.GUID); slot != "" && !asked[slot] {
			out = append(out, d)
		}
	}
	return out
}

// Slots are the slots of the deliveries' next asks, in order (see Slot);
// a delivery asked for MaxAsks times has none.
func Slots(read, ds []Delivery) []string {
	var out []string
	for _, d := range ds {
		if slot := Slot(read, d.GUID); slot != "" {
			out = append(out, slot)
		}
	}
	return out
}

// GUIDs lists the deliveries' GUIDs, in order.
func GUIDs(ds []Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.GUID
	}
	return out
}

// later orders attempts by time, then by id (GitHub's ids only grow).
func later(a, b Delivery) bool {
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	return a.ID > b.ID
}
