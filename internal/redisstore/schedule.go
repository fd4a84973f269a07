package redisstore

import (
	"context"
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
