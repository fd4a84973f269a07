package queue

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// The synthetic events golive queues for itself. Each takes the webhooks'
// path through the queue: a worker reads it, the tracker applies it under
// its release's lock.
const (
	// EventRefresh reconciles one release from GitHub: the periodic
	// sweep, `golive reconcile`, the dashboard and the check run's Re-run
	// enqueue it.
	EventRefresh = "golive.refresh"
	// EventProbe carries a probe result.
	EventProbe = "golive.probe"
	// EventSettle judges a release's pending approvals for good once
	// their settle window has passed (see release.PendingApproval).
	EventSettle = "golive.settle"
	// EventUnseen judges a box a person changed in the tracking issue
	// when no issues.edited event came for it (the delivery was lost).
	EventUnseen = "golive.unseen-tick"
)

// RefreshRequest is the payload of EventRefresh.
type RefreshRequest struct {
	Release      string `json:"release"`
	Installation int64  `json:"installation"`
	Reason       string `json:"reason,omitempty"`
	// Probes runs the release's probes now too (a person asked).
	Probes bool `json:"probes,omitempty"`
}

// ProbeResultEvent is the payload of EventProbe.
type ProbeResultEvent struct {
	Release      string              `json:"release"`
	Installation int64               `json:"installation"`
	Item         string              `json:"item"`
	Result       release.ProbeResult `json:"result"`
}

// SettleRequest is the payload of EventSettle.
type SettleRequest struct {
	Release      string `json:"release"`
	Installation int64  `json:"installation"`
}

// UnseenRequest is the payload of EventUnseen.
type UnseenRequest struct {
	Release      string `json:"release"`
	Installation int64  `json:"installation"`
	Item         string `json:"item"`
	On           bool   `json:"on"`
}

func synthetic(id, event string, payload any, now time.Time) Delivery {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(fmt.Sprintf("encode %s: %v", event, err)) // plain structs: cannot fail
	}
	return Delivery{ID: id, Event: event, Payload: b, Attempt: 1, Received: now}
}

// Refresh is the delivery asking a reconcile of k; id makes repeats of
// one request collapse.
func Refresh(k release.Key, installation int64, id, reason string, probes bool, now time.Time) Delivery {
	return synthetic(id, EventRefresh, RefreshRequest{Release: k.String(), Installation: installation, Reason: reason, Probes: probes}, now)
}

// ProbeResult is the delivery carrying one probe result of item of k.
func ProbeResult(k release.Key, installation int64, item string, res release.ProbeResult, now time.Time) Delivery {
	id := fmt.Sprintf("probe-%s-%s-%d", k, item, res.At.UnixNano())
	return synthetic(id, EventProbe, ProbeResultEvent{Release: k.String(), Installation: installation, Item: item, Result: res}, now)
}

// Settle is the delivery judging k's pending approvals at due; comment
// names the approval that asked for it.
func Settle(k release.Key, installation, comment int64, due, now time.Time) Delivery {
	id := fmt.Sprintf("settle-%s-%d-%d", k, comment, due.UnixMilli())
	return synthetic(id, EventSettle, SettleRequest{Release: k.String(), Installation: installation}, now)
}

// Unseen is the delivery judging a changed box of k no event came for.
func Unseen(k release.Key, installation int64, item string, on bool, now time.Time) Delivery {
	id := fmt.Sprintf("unseen-%s-%s-%t-%d", k, item, on, now.UnixNano())
	return synthetic(id, EventUnseen, UnseenRequest{Release: k.String(), Installation: installation, Item: item, On: on}, now)
}
