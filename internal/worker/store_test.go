package worker

import "github.com/ag06mixer/golive/internal/redisstore"

// Redis is golive's store: the queue the worker reads and every port of
// the tracker. The assertion lives here, so redisstore needs only queue.
var _ Store = (*redisstore.Store)(nil)
