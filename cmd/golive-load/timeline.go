package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/githubfake"
)

// printTimeline writes, for each second from the first event sent, what
// the fake GitHub saw then (reads, writes, and the creates among them:
// the releases' openings) and the p99 of the event → write latency of the
// events sent in that second (each, as eventToWrite measured it). It shows
// where a tail latency comes from: a second of writes the lane could not
// take, or of syncs nobody made.
func printTimeline(w io.Writer, log []githubfake.Request, sent []time.Time, each []time.Duration) {
	var t0 time.Time
	for _, at := range sent {
		if !at.IsZero() && (t0.IsZero() || at.Before(t0)) {
			t0 = at
		}
	}
	if t0.IsZero() {
		return
	}
	type second struct {
		reads, writes, creates int
		lat                    []time.Duration
	}
	var secs []*second
	at := func(t time.Time) *second {
		s := max(int(t.Sub(t0)/time.Second), 0)
		for len(secs) <= s {
			secs = append(secs, &second{})
		}
		return secs[s]
	}
	for _, r := range log {
		s := at(r.At)
		switch {
		case r.Method == "GET" || r.Method == "HEAD":
			s.reads++
		case r.Method == "POST" && !strings.HasPrefix(r.Route, "/app/"):
			s.creates++
			s.writes++
		default:
			s.writes++
		}
	}
	for i, d := range each {
		if d >= 0 && i < len(sent) {
			s := at(sent[i])
			s.lat = append(s.lat, d)
		}
	}
	fmt.Fprintln(w, "second | GitHub reads | writes | of them creates | events sent | their event → write p99")
	for i, s := range secs {
		slices.Sort(s.lat)
		p99 := "-"
		if len(s.lat) > 0 {
			p99 = quantile(s.lat, 0.99).String()
		}
		fmt.Fprintf(w, "%6d | %12d | %6d | %15d | %11d | %s\n", i, s.reads, s.writes, s.creates, len(s.lat), p99)
	}
}
