package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
)

// heartbeatsPerTimeout is how many heartbeats an activity records per HeartbeatTimeout
// while a plugin call runs, so one late heartbeat does not time the attempt out.
const heartbeatsPerTimeout = 3

// callPlugin runs one plugin call for an activity and maps its error with
// [ToApplicationError]. Every activity that calls a plugin goes through it.
//
// The call gets the activity context, so everything that ends the activity ends the
// plugin call too (gRPC carries the cancellation into the plugin's handler): the
// StartToClose deadline, a cancel requested by the workflow, and a heartbeat timeout.
// The last two reach the worker only through heartbeats, so while the call runs
// callPlugin records one every HeartbeatTimeout/3 when the activity has a
// HeartbeatTimeout. When heartbeats cannot be delivered for about a HeartbeatTimeout
// the SDK cancels the activity context itself, which again ends the plugin call.
func callPlugin[T any](ctx context.Context, call func(context.Context) (T, error)) (T, error) {
	if every := activity.GetInfo(ctx).HeartbeatTimeout / heartbeatsPerTimeout; every > 0 {
		stop := heartbeatEvery(ctx, every)
		defer stop()
	}
	res, err := call(ctx)
	return res, ToApplicationError(err)
}

// callPluginErr is [callPlugin] for plugin calls that return only an error.
func callPluginErr(ctx context.Context, call func(context.Context) error) error {
	_, err := callPlugin(ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, call(ctx) })
	return err
}

// heartbeatEvery records an activity heartbeat every interval until stop is called or
// ctx ends. stop returns once the heartbeat goroutine is gone, so no heartbeat is
// recorded after the activity returns.
func heartbeatEvery(ctx context.Context, interval time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			case <-done:
				return
			case <-ctx.Done():
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
