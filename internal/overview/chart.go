package overview

import (
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// Chart is a probe history drawn as an inline SVG: latency as a line,
// failed runs as marks on the baseline. The server writes it into the
// page, so it needs no script and no image request (the CSP allows
// neither inline script nor third-party images).
type Chart struct {
	Width, Height int
	// Line is the polyline's points attribute: "x,y x,y …".
	Line string
	// Fails are the positions of failed runs.
	Fails []Point
	// Max is the latency at the top of the chart.
	Max time.Duration
	// Summary says in words what the chart shows, for screen readers.
	Summary string
}

// Point is a position in the chart.
type Point struct{ X, Y float64 }

// Chart geometry, in SVG user units; the page scales it to its width.
const (
	chartW   = 320
	chartH   = 64
	chartPad = 4
)

// DrawChart lays out a probe history, oldest first.
func DrawChart(hist []release.ProbeResult) Chart {
	c := Chart{Width: chartW, Height: chartH}
	if len(hist) == 0 {
		c.Summary = "No probe runs yet."
		return c
	}
	for _, r := range hist {
		c.Max = max(c.Max, r.Latency)
	}
	if c.Max <= 0 {
		c.Max = time.Millisecond
	}
	x := func(i int) float64 {
		if len(hist) == 1 {
			return chartW / 2
		}
		return chartPad + float64(i)*float64(chartW-2*chartPad)/float64(len(hist)-1)
	}
	y := func(d time.Duration) float64 {
		return chartH - chartPad - float64(d)/float64(c.Max)*float64(chartH-2*chartPad)
	}
	var b strings.Builder
	fails := 0
	for i, r := range hist {
		fmt.Fprintf(&b, "%.1f,%.1f ", x(i), y(r.Latency))
		if !r.OK {
			fails++
			c.Fails = append(c.Fails, Point{X: x(i), Y: chartH - chartPad})
		}
	}
	c.Line = strings.TrimSpace(b.String())
	c.Summary = fmt.Sprintf("%d runs from %s to %s; %d failed; slowest %s.", len(hist),
		hist[0].At.UTC().Format("2006-01-02 15:04"), hist[len(hist)-1].At.UTC().Format("2006-01-02 15:04 MST"),
		fails, c.Max.Round(time.Millisecond))
	return c
}
