package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ag06mixer/golive/internal/queue"
)

// DedupeTTL outlives GitHub's three-day window for redelivering a
// delivery by hand, so a redelivery is always recognised.
const DedupeTTL = 4 * 24 * time.Hour

const group = "workers"

// Delivery is the worker's queue entry.
type Delivery = queue.Delivery

func (s *Store) streamKey() string  { return s.key("{q}", "events") }
func (s *Store) delayedKey() string { return s.key("{q}", "delayed") }
func (s *Store) deadKey() string    { return s.key("{q}", "dead") }
func (s *Store) seenKey(id string) string {
	return s.key("{q}", "seen", id)
}

// enqueueScript marks the delivery seen and appends it in one step, so a
// crash can never leave a delivery marked seen but not queued.
var enqueueScript = redis.NewScript(`
if redis.call("SET", KEYS[2], "1", "NX", "PX", ARGV[1]) == false then
  return false
end
return redis.call("XADD", KEYS[1], "*", "id", ARGV[2], "event", ARGV[3], "payload", ARGV[4], "attempt", "1", "received", ARGV[5])`)

// Enqueue appends a delivery unless its id was seen within DedupeTTL.
// dup is true for a repeat; nothing is queued then.
//
// It does not create the consumer group: XADD makes the stream, and the
// first Read makes the group from id 0, so nothing added before is missed.
// That keeps ingest to one round trip.
func (s *Store) Enqueue(ctx context.Context, d Delivery) (dup bool, err error) {
	res, err := enqueueScript.Run(ctx, s.rdb, []string{s.streamKey(), s.seenKey(d.ID)},
		DedupeTTL.Milliseconds(), d.ID, d.Event, d.Payload, d.Received.UnixMilli()).Result()
	if errors.Is(err, redis.Nil) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("enqueue delivery %s: %w", d.ID, err)
	}
	return res == nil, nil
}

func (s *Store) ensureGroup(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, s.streamKey(), group, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group: %w", err)
	}
	return nil
}

// EnsureGroup creates the stream and consumer group if missing.
func (s *Store) EnsureGroup(ctx context.Context) error { return s.ensureGroup(ctx) }

// Read takes up to count new deliveries for consumer, blocking up to block.
//
// The block is served as reads of at most ReadSlice each: Read returns as
// soon as one of them brings deliveries or an error, when the block is
// over, or when ctx ends between two, so a cancelled worker stops within
// a slice however long its block.
func (s *Store) Read(ctx context.Context, consumer string, count int, block time.Duration) ([]Delivery, error) {
	// The wall clock, not s.now: Redis blocks in real time.
	deadline := time.Now().Add(block)
	for {
		wait := min(time.Until(deadline), s.readSlice)
		if wait < time.Millisecond {
			wait = time.Millisecond // BLOCK 0 would block for ever
		}
		out, err := s.readOnce(ctx, consumer, count, wait)
		if err != nil || len(out) > 0 || ctx.Err() != nil || !time.Now().Before(deadline) {
			return out, err
		}
	}
}

// readOnce is one XREADGROUP blocking at most block.
func (s *Store) readOnce(ctx context.Context, consumer string, count int, block time.Duration) ([]Delivery, error) {
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{s.streamKey(), ">"}, Count: int64(count), Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		if strings.Contains(err.Error(), "NOGROUP") {
			// First read, or the stream was lost: make the group from id
			// 0, so entries added before it are read too, and read again.
			if err := s.ensureGroup(ctx); err != nil {
				return nil, err
			}
			return s.readOnce(ctx, consumer, count, block)
		}
		return nil, fmt.Errorf("read queue: %w", err)
	}
	var out []Delivery
	for _, st := range res {
		for _, m := range st.Messages {
			out = append(out, parseEntry(m))
		}
	}
	return out, nil
}

// Claim takes over deliveries another consumer read but did not
// acknowledge within minIdle: that consumer died mid-event.
func (s *Store) Claim(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]Delivery, error) {
	msgs, _, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: s.streamKey(), Group: group, Consumer: consumer, MinIdle: minIdle, Start: "0-0", Count: int64(count),
	}).Result()
	if err != nil {
		if strings.Contains(err.Error(), "NOGROUP") {
			return nil, s.ensureGroup(ctx)
		}
		return nil, fmt.Errorf("claim stale deliveries: %w", err)
	}
	out := make([]Delivery, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, parseEntry(m))
	}
	return out, nil
}

func parseEntry(m redis.XMessage) Delivery {
	str := func(k string) string {
		v, _ := m.Values[k].(string)
		return v
	}
	d := Delivery{Entry: m.ID, ID: str("id"), Event: str("event"), Payload: []byte(str("payload")), Error: str("error")}
	d.Attempt, _ = strconv.Atoi(str("attempt"))
	if ms, err := strconv.ParseInt(str("received"), 10, 64); err == nil {
		d.Received = time.UnixMilli(ms)
	}
	if ms, err := strconv.ParseInt(str("first"), 10, 64); err == nil && ms > 0 {
		d.First = time.UnixMilli(ms)
	}
	return d
}

// Ack removes a finished delivery from the pending list and the stream.
func (s *Store) Ack(ctx context.Context, entry string) error {
	if err := ackScript.Run(ctx, s.rdb, []string{s.streamKey()}, group, entry).Err(); err != nil {
		return fmt.Errorf("ack %s: %w", entry, err)
	}
	return nil
}

// ackScript acknowledges a delivery and deletes it from the stream, at
// once, so an acknowledged entry never stays counted in the queue's
// depth. One command: the MULTI, XACK, XDEL, EXEC it replaced were four
// for Redis to dispatch at every delivery.
var ackScript = redis.NewScript(`
redis.call("XACK", KEYS[1], ARGV[1], ARGV[2])
redis.call("XDEL", KEYS[1], ARGV[2])
return 1`)

// retryScript moves a failed delivery to the delay set and acknowledges
// the original, atomically, so it is neither lost nor doubled.
var retryScript = redis.NewScript(`
redis.call("ZADD", KEYS[2], ARGV[2], ARGV[3])
redis.call("XACK", KEYS[1], ARGV[4], ARGV[1])
redis.call("XDEL", KEYS[1], ARGV[1])
return 1`)

// Retry schedules the delivery again at due with its attempt counted.
func (s *Store) Retry(ctx context.Context, d Delivery, due time.Time, cause error) error {
	d.Attempt++
	d.Error = cause.Error()
	blob := encodeDelayed(d)
	if err := retryScript.Run(ctx, s.rdb, []string{s.streamKey(), s.delayedKey()}, d.Entry, due.UnixMilli(), blob, group).Err(); err != nil {
		return fmt.Errorf("schedule retry of %s: %w", d.ID, err)
	}
	return nil
}

// promoteScript moves due retries back into the stream.
var promoteScript = redis.NewScript(`
local due = redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", ARGV[1], "LIMIT", 0, 100)
for _, blob in ipairs(due) do
  local f = cjson.decode(blob)
  redis.call("XADD", KEYS[1], "*", "id", f.id, "event", f.event, "payload", f.payload, "attempt", tostring(f.attempt), "received", tostring(f.received), "error", f.error, "first", tostring(f.first or 0))
  redis.call("ZREM", KEYS[2], blob)
end
return #due`)

// PromoteDue moves retries whose time has come back into the stream.
func (s *Store) PromoteDue(ctx context.Context, now time.Time) (int, error) {
	n, err := promoteScript.Run(ctx, s.rdb, []string{s.streamKey(), s.delayedKey()}, now.UnixMilli()).Int()
	if err != nil {
		return 0, fmt.Errorf("promote retries: %w", err)
	}
	return n, nil
}

// deadScript moves a delivery to the dead-letter stream and acknowledges it.
var deadScript = redis.NewScript(`
redis.call("XADD", KEYS[2], "*", "id", ARGV[2], "event", ARGV[3], "payload", ARGV[4], "attempt", ARGV[5], "received", ARGV[6], "error", ARGV[7])
redis.call("XACK", KEYS[1], ARGV[8], ARGV[1])
redis.call("XDEL", KEYS[1], ARGV[1])
return 1`)

// DeadLetter parks a delivery that failed too often.
func (s *Store) DeadLetter(ctx context.Context, d Delivery, cause error) error {
	err := deadScript.Run(ctx, s.rdb, []string{s.streamKey(), s.deadKey()},
		d.Entry, d.ID, d.Event, d.Payload, d.Attempt, d.Received.UnixMilli(), cause.Error(), group).Err()
	if err != nil {
		return fmt.Errorf("dead-letter %s: %w", d.ID, err)
	}
	return nil
}

// requeueScript moves every dead letter back into the stream.
var requeueScript = redis.NewScript(`
local all = redis.call("XRANGE", KEYS[2], "-", "+", "COUNT", ARGV[1])
for _, e in ipairs(all) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i+1] end
  redis.call("XADD", KEYS[1], "*", "id", f.id, "event", f.event, "payload", f.payload, "attempt", "1", "received", f.received)
  redis.call("XDEL", KEYS[2], e[1])
end
return #all`)

// Requeue replays up to max dead letters, with their attempts reset.
func (s *Store) Requeue(ctx context.Context, max int) (int, error) {
	n, err := requeueScript.Run(ctx, s.rdb, []string{s.streamKey(), s.deadKey()}, max).Int()
	if err != nil {
		return 0, fmt.Errorf("requeue dead letters: %w", err)
	}
	return n, nil
}

// Dead lists up to max dead letters.
func (s *Store) Dead(ctx context.Context, max int) ([]Delivery, error) {
	msgs, err := s.rdb.XRangeN(ctx, s.deadKey(), "-", "+", int64(max)).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, parseEntry(m))
	}
	return out, nil
}

// QueueStats are the gauges /metrics reports.
type QueueStats struct {
	Depth, Pending, Delayed, Dead int64
}

// Stats reads the queue's sizes.
func (s *Store) Stats(ctx context.Context) (QueueStats, error) {
	var st QueueStats
	pipe := s.rdb.Pipeline()
	depth := pipe.XLen(ctx, s.streamKey())
	delayed := pipe.ZCard(ctx, s.delayedKey())
	dead := pipe.XLen(ctx, s.deadKey())
	pending := pipe.XPending(ctx, s.streamKey(), group)
	_, err := pipe.Exec(ctx)
	if err != nil && !errors.Is(err, redis.Nil) && !strings.Contains(err.Error(), "NOGROUP") {
		return st, err
	}
	st.Depth, st.Delayed, st.Dead = depth.Val(), delayed.Val(), dead.Val()
	if p, err := pending.Result(); err == nil {
		st.Pending = p.Count
	}
	return st, nil
}

func encodeDelayed(d Delivery) string {
	b, _ := json.Marshal(struct {
		ID       string `json:"id"`
		Event    string `json:"event"`
		Payload  string `json:"payload"`
		Attempt  int    `json:"attempt"`
		Received int64  `json:"received"`
		Error    string `json:"error"`
		First    int64  `json:"first,omitempty"`
	}{d.ID, d.Event, string(d.Payload), d.Attempt, d.Received.UnixMilli(), d.Error, firstMilli(d.First)})
	return string(b)
}

// firstMilli is a delivery's first try in milliseconds, 0 for none.
func firstMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
