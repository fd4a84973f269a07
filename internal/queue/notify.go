package queue

import (
	"encoding/json"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// EventNotify carries one chat notification of a release event; a worker
// posts it to the notifier's URL outside any release lock.
const EventNotify = "golive.notify"

// NotifyRequest is the payload of EventNotify: the message, already
// rendered, so posting it needs neither the record nor the config.
type NotifyRequest struct {
	Release string          `json:"release"`
	Notice  string          `json:"notice"`
	Message json.RawMessage `json:"message"`
}

// Notify is the delivery posting message for notice of k. Its id is the
// release and the notice, so the notice queued twice (a crash before the
// record saying it was queued is saved) is dropped as a duplicate.
func Notify(k release.Key, notice string, message []byte, now time.Time) Delivery {
	return synthetic("notify-"+k.String()+"-"+notice, EventNotify, NotifyRequest{Release: k.String(), Notice: notice, Message: message}, now)
}
