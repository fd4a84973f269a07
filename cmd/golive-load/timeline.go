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
// the fake GitHub saw then (reads, writes, and the POSTs among them: the
// creates, three for each release's opening, besides reactions and
// GraphQL), the events sent in that second and the p99 of the event →
// write latency of those written (each, as eventToWrite measured it). It shows
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
		reads, writes, posts, sent int
		lat                        []time.Duration
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
			s.posts++
			s.writes++
		default:
			s.writes++
		}
	}
	for i, at0 := range sent {
		if at0.IsZero() {
			continue
		}
		s := at(at0)
		s.sent++
		if i < len(each) && each[i] >= 0 {
			s.lat = append(s.lat, each[i])
		}
	}
	fmt.Fprintln(w, "second | GitHub reads | writes | of them POSTs | events sent | their event → write p99")
	for i, s := range secs {
		slices.Sort(s.lat)
		p99 := "-"
		if len(s.lat) > 0 {
			p99 = quantile(s.lat, 0.99).String()
		}
		fmt.Fprintf(w, "%6d | %12d | %6d | %13d | %11d | %s\n", i, s.reads, s.writes, s.posts, s.sent, p99)
	}
}
