package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Schedule puts a synthetic delivery in the delay set, to enter the
// stream at due like a retry. The same delivery scheduled twice for the
// same time is kept once.
func (s *Store) Schedule(ctx context.Context, d Delivery, due time.Time) error {
	if d.Attempt < 1 {
		d.Attempt = 1
	}
	if err := s.rdb.ZAdd(ctx, s.delayedKey(), redis.Z{Score: float64(due.UnixMilli()), Member: encodeDelayed(d)}).Err(); err != nil {
		return fmt.Errorf("schedule %s: %w", d.ID, err)
	}
	return nil
}

// Outstanding lists deliveries not yet done that came before entry: those
// still in the stream ahead of it (unread, or read and not acknowledged)
// and those waiting in the delay set for a retry. It reads at most max of
// each; more reports that some were left unread.
func (s *Store) Outstanding(ctx context.Context, entry string, max int) (out []Delivery, more bool, err error) {
	end := "+"
	if entry != "" {
		end = "(" + entry
	}
	msgs, err := s.rdb.XRangeN(ctx, s.streamKey(), "-", end, int64(max)+1).Result()
	if err != nil {
		return nil, false, fmt.Errorf("read the stream ahead of %s: %w", entry, err)
	}
	if len(msgs) > max {
		msgs, more = msgs[:max], true
	}
	for _, m := range msgs {
		out = append(out, parseEntry(m))
	}
	blobs, err := s.rdb.ZRange(ctx, s.delayedKey(), 0, int64(max)).Result()
	if err != nil {
		return nil, false, fmt.Errorf("read the delay set: %w", err)
	}
	if len(blobs) > max {
		blobs, more = blobs[:max], true
	}
	for _, b := range blobs {
		var f struct {
			ID       string `json:"id"`
			Event    string `json:"event"`
			Payload  string `json:"payload"`
			Attempt  int    `json:"attempt"`
			Received int64  `json:"received"`
		}
		if json.Unmarshal([]byte(b), &f) != nil {
			more = true // a blob golive cannot read: assume the worst
			continue
		}
		out = append(out, Delivery{ID: f.ID, Event: f.Event, Payload: []byte(f.Payload), Attempt: f.Attempt, Received: time.UnixMilli(f.Received)})
	}
	return out, more, nil
}
