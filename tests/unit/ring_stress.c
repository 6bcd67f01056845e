// SPDX-License-Identifier: GPL-2.0
/*
 * Two threads, a frontend and a backend, run the full ring protocol against
 * each other through ring/sring.h, waking each other through a simulated
 * event channel exactly as drivers do: push and notify if asked to, consume,
 * and sleep only after the final check found nothing.
 *
 * Fails on a lost, duplicated, reordered or stale entry in either direction,
 * on a missed wake-up (a sleep that times out with work ready), on a
 * peer-overflow report, and if notification hold-off never suppressed a
 * single event.  Some runs keep requests in flight in the backend under
 * event hold-off (splitio_back_check_for_requests), as blkback does.  A
 * last test pits push against final check head-on, to catch a missing
 * full barrier.
 */
#define _GNU_SOURCE		/* CPU affinity */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "splitio/portable.h"
#include "ring/sring.h"
#include "harness.h"

/* Sanitizers slow everything down: a quarter of the work will do. */
#ifdef SPLITIO_SANITIZED
#define SCALE		4
#else
#define SCALE		1
#endif

#define WAKE_TIMEOUT_SEC	2
#define STALL_TIMEOUTS		10	/* sleeps in a row without a wake-up */
#define ERROR_LEN		160

/* Both carry a request's sequence number and a check word derived from it. */
struct stress_req {
	u32 seq;
	u32 check;
};

struct stress_rsp {
	u32 seq;
	u32 check;
};

SPLITIO_RING_TYPED(stress, struct stress_req, struct stress_rsp)

/*
 * A response's check word differs from its request's, so a response read
 * from a slot still holding the request shows up as corrupt.
 */
static u32 req_check(u32 seq)
{
	return seq * 0x9e3779b1u ^ 0x5bd1e995u;
}

static u32 rsp_check(u32 seq)
{
	return ~req_check(seq);
}

/* xorshift64*: cheap, and each thread has its own state. */
static u32 random_below(u64 *state, u32 bound)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return (u32)((*state * 0x2545f4914f6cdd1dull) >> 32) % bound;
}

/* An event channel: a pending bit, with a thread sleeping on it. */
struct evtchn {
	pthread_mutex_t lock;
	pthread_cond_t raised;
	bool pending;
	unsigned long notifications;
};

static void evtchn_init(struct evtchn *ch)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ch->raised, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&ch->lock, NULL);
	ch->pending = false;
	ch->notifications = 0;
}

static void evtchn_destroy(struct evtchn *ch)
{
	pthread_cond_destroy(&ch->raised);
	pthread_mutex_destroy(&ch->lock);
}

static void evtchn_notify(struct evtchn *ch)
{
	pthread_mutex_lock(&ch->lock);
	ch->pending = true;
	ch->notifications++;
	pthread_cond_signal(&ch->raised);
	pthread_mutex_unlock(&ch->lock);
}

/* Sleeps until notified; false if nobody did within WAKE_TIMEOUT_SEC. */
static bool evtchn_wait(struct evtchn *ch)
{
	struct timespec deadline;
	bool notified;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += WAKE_TIMEOUT_SEC;
	pthread_mutex_lock(&ch->lock);
	while (!ch->pending &&
	       pthread_cond_timedwait(&ch->raised, &ch->lock, &deadline) == 0)
		;
	notified = ch->pending;
	ch->pending = false;
	pthread_mutex_unlock(&ch->lock);
	return notified;
}

struct stress_config {
	const char *name;
	size_t ring_bytes;
	u32 start;		/* initial value of every index */
	u32 requests;
	u32 max_batch;		/* requests per push, responses per push */
	/*
	 * 0: each request answered as it is taken.  Else up to this many are
	 * kept in flight, and some end (are answered) each time round; the
	 * backend sleeps only with none in flight, as a driver woken by each
	 * ending I/O would, and asks for no notification while @holdoff or
	 * more are in flight.
	 */
	u32 max_in_flight;
	u32 holdoff;
};

struct stress_run {
	const struct stress_config *cfg;
	struct splitio_front_ring front;
	struct splitio_back_ring back;
	struct evtchn to_back, to_front;
	bool stop;			/* set once by whoever fails first */
	unsigned long request_pushes, response_pushes;
	unsigned long held_off;		/* checks that left req_event behind */
	char front_error[ERROR_LEN], back_error[ERROR_LEN];
};

/* Records a side's failure and makes both sides give up. */
static void __attribute__((format(printf, 3, 4)))
fail(struct stress_run *run, char error[ERROR_LEN], const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(error, ERROR_LEN, fmt, args);
	va_end(args);
	WRITE_ONCE(run->stop, true);
	evtchn_notify(&run->to_back);
	evtchn_notify(&run->to_front);
}

/*
 * A sleep timed out.  With work ready, a notification was lost.  Without,
 * the peer may just have been preempted, unless this keeps happening.
 */
static void check_timeout(struct stress_run *run, char error[ERROR_LEN],
			  int ready, unsigned int *timeouts, const char *what)
{
	if (ready)
		fail(run, error, "slept %d s through %d ready %s",
		     WAKE_TIMEOUT_SEC, ready, what);
	else if (++*timeouts == STALL_TIMEOUTS)
		fail(run, error, "no %s for %d s", what,
		     STALL_TIMEOUTS * WAKE_TIMEOUT_SEC);
}

/* The final check armed rsp_event: wait for the backend to notify. */
static void frontend_sleep(struct stress_run *run, unsigned int *timeouts)
{
	if (evtchn_wait(&run->to_front))
		*timeouts = 0;
	else
		check_timeout(run, run->front_error,
			      splitio_front_unconsumed_responses(&run->front),
			      timeouts, "responses");
}

/* The final check armed req_event: wait for the frontend to notify. */
static void backend_sleep(struct stress_run *run, unsigned int *timeouts)
{
	if (evtchn_wait(&run->to_back))
		*timeouts = 0;
	else
		check_timeout(run, run->back_error,
			      splitio_back_unconsumed_requests(&run->back),
			      timeouts, "requests");
}

static void *frontend(void *arg)
{
	struct stress_run *run = arg;
	struct splitio_front_ring *front = &run->front;
	const u32 total = run->cfg->requests;
	u32 sent = 0, answered = 0;
	unsigned int timeouts = 0;
	u64 rng = 0x0123456789abcdefull;

	while (answered < total && !READ_ONCE(run->stop)) {
		u32 batch = random_below(&rng, run->cfg->max_batch) + 1;
		u32 i;
		int ready;

		if (batch > splitio_front_free_requests(front))
			batch = splitio_front_free_requests(front);
		if (batch > total - sent)
			batch = total - sent;
		for (i = 0; i < batch; i++, sent++) {
			struct stress_req *req =
				stress_request_slot(front,
						    front->req_prod_pvt++);

			req->seq = sent;
			req->check = req_check(sent);
		}
		if (batch) {
			run->request_pushes++;
			if (splitio_front_push_requests(front))
				evtchn_notify(&run->to_back);
		}

		ready = splitio_front_unconsumed_responses(front);
		if (!ready && !batch) {
			/* Nothing to send, nothing to receive: sleep. */
			ready = splitio_front_final_check_for_responses(front);
			if (!ready) {
				frontend_sleep(run, &timeouts);
				continue;
			}
		}
		if (ready < 0) {
			fail(run, run->front_error,
			     "response overflow: rsp_prod %u, rsp_cons %u",
			     READ_ONCE(front->sring->rsp_prod),
			     front->rsp_cons);
			break;
		}
		for (; ready > 0; ready--, answered++) {
			struct stress_rsp rsp;

			stress_copy_response(front, front->rsp_cons++, &rsp);
			if (rsp.seq != answered) {
				fail(run, run->front_error,
				     "response %u where %u was due",
				     rsp.seq, answered);
				break;
			}
			if (rsp.check != rsp_check(rsp.seq)) {
				fail(run, run->front_error,
				     "response %u corrupt", rsp.seq);
				break;
			}
		}
	}
	return NULL;
}

/*
 * The check found nothing, with @in_flight unanswered: it must have left
 * req_event at @event while held off, and armed it otherwise.
 */
static bool backend_event_right(struct stress_run *run, u32 event,
				u32 in_flight)
{
	const struct splitio_back_ring *back = &run->back;
	u32 holdoff = run->cfg->holdoff;

	if (holdoff && in_flight >= holdoff) {
		if (back->sring->req_event == event) {
			run->held_off++;
			return true;
		}
		fail(run, run->back_error, "req_event moved with %u in flight",
		     in_flight);
		return false;
	}
	if (back->sring->req_event == back->req_cons + 1)
		return true;
	fail(run, run->back_error, "req_event %u not armed at %u",
	     back->sring->req_event, back->req_cons + 1);
	return false;
}

/*
 * Takes the requests there are, up to max_in_flight unanswered if set, and
 * answers them (if set, the oldest few), pushing responses in random
 * batches.
 */
static void *backend(void *arg)
{
	struct stress_run *run = arg;
	const struct stress_config *cfg = run->cfg;
	struct splitio_back_ring *back = &run->back;
	const u32 total = cfg->requests;
	u32 handled = 0, answered = 0, unpushed = 0, push_at = 1, ending;
	unsigned int timeouts = 0;
	u64 rng = 0xfedcba9876543210ull;

	while (answered < total && !READ_ONCE(run->stop)) {
		u32 event = back->sring->req_event;	/* only we write it */
		int ready = splitio_back_check_for_requests(back, cfg->holdoff);

		if (!ready && !backend_event_right(run, event, handled - answered))
			break;
		if (ready < 0) {
			fail(run, run->back_error,
			     "request overflow: req_prod %u, req_cons %u",
			     READ_ONCE(back->sring->req_prod), back->req_cons);
			break;
		}
		if (!ready && handled == answered) {
			backend_sleep(run, &timeouts);
			continue;
		}
		for (; ready > 0 && (!cfg->max_in_flight ||
				     handled - answered < cfg->max_in_flight);
		     ready--, handled++) {
			struct stress_req req;

			stress_copy_request(back, back->req_cons++, &req);
			if (req.seq != handled) {
				fail(run, run->back_error,
				     "request %u where %u was due",
				     req.seq, handled);
				break;
			}
			if (req.check != req_check(req.seq)) {
				fail(run, run->back_error,
				     "request %u corrupt", req.seq);
				break;
			}
		}
		/* Some I/O ends: the oldest in flight, at least one. */
		ending = handled - answered;
		if (cfg->max_in_flight && ending > 1)
			ending = random_below(&rng, ending) + 1;
		for (; ending; ending--, answered++) {
			struct stress_rsp *rsp;

			rsp = stress_response_slot(back, back->rsp_prod_pvt++);
			rsp->seq = answered;
			rsp->check = rsp_check(answered);

			/* Push before looking for work, let alone sleeping. */
			if (++unpushed < push_at && ending > 1)
				continue;
			run->response_pushes++;
			if (splitio_back_push_responses(back))
				evtchn_notify(&run->to_front);
			unpushed = 0;
			push_at = random_below(&rng, cfg->max_batch) + 1;
		}
	}
	return NULL;
}

/* A new ring, as if @start entries had gone round already. */
static void ring_init_at(struct splitio_sring *sring, size_t ring_bytes,
			 u32 start, struct splitio_front_ring *front,
			 struct splitio_back_ring *back)
{
	CHECK_EQ(splitio_front_init(front, sring, ring_bytes,
				    stress_ring_ent_size()), 0);
	sring->req_prod = sring->rsp_prod = start;
	sring->req_event = sring->rsp_event = start + 1;
	CHECK_EQ(splitio_front_attach(front, sring, ring_bytes,
				      stress_ring_ent_size(), start), 0);
	CHECK_EQ(splitio_back_attach(back, sring, ring_bytes,
				     stress_ring_ent_size(), start), 0);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void stress(const struct stress_config *cfg)
{
	static u8 shared[4096] __attribute__((aligned(4096)));
	struct stress_run run = { .cfg = cfg };
	struct splitio_sring *sring = (struct splitio_sring *)shared;
	pthread_t front_thread, back_thread;
	struct timespec start;

	if (!CHECK(cfg->ring_bytes <= sizeof(shared)))
		return;
	ring_init_at(sring, cfg->ring_bytes, cfg->start, &run.front, &run.back);
	evtchn_init(&run.to_back);
	evtchn_init(&run.to_front);

	clock_gettime(CLOCK_MONOTONIC, &start);
	pthread_create(&back_thread, NULL, backend, &run);
	pthread_create(&front_thread, NULL, frontend, &run);
	pthread_join(front_thread, NULL);
	pthread_join(back_thread, NULL);

	printf("%s: %u requests through %u slots in %.2f s; "
	       "%lu/%lu request and %lu/%lu response pushes notified\n",
	       cfg->name, cfg->requests, run.front.nr_ents,
	       seconds_since(&start),
	       run.to_back.notifications, run.request_pushes,
	       run.to_front.notifications, run.response_pushes);
	if (!CHECK(!run.front_error[0]))
		printf("  frontend: %s\n", run.front_error);
	if (!CHECK(!run.back_error[0]))
		printf("  backend: %s\n", run.back_error);
	CHECK_EQ(run.front.rsp_cons, cfg->start + cfg->requests);
	CHECK_EQ(run.back.req_cons, cfg->start + cfg->requests);
	/* Hold-off: while a side is busy, the other's pushes go unsignalled. */
	CHECK(run.to_back.notifications < run.request_pushes);
	CHECK(run.to_front.notifications < run.response_pushes);
	if (cfg->holdoff) {
		printf("  %lu checks held req_event back\n", run.held_off);
		CHECK(run.held_off > 0);
	}

	evtchn_destroy(&run.to_back);
	evtchn_destroy(&run.to_front);
}

static void test_stress_page_ring(void)
{
	static const struct stress_config cfg = {
		.name = "page ring", .ring_bytes = 4096, .start = 0,
		.requests = 8000000 / SCALE, .max_batch = 64,
	};

	stress(&cfg);
}

static void test_stress_tiny_ring(void)
{
	static const struct stress_config cfg = {
		.name = "4-slot ring", .ring_bytes = 64 + 4 * 8, .start = 0,
		.requests = 1000000 / SCALE, .max_batch = 4,
	};

	stress(&cfg);
}

static void test_stress_across_wrap(void)
{
	static const struct stress_config cfg = {
		.name = "page ring, wrapping", .ring_bytes = 4096,
		.start = 0xffffffff - 2000000 / SCALE,
		.requests = 4000000 / SCALE, .max_batch = 64,
	};

	stress(&cfg);
}

static void test_stress_holdoff(void)
{
	static const struct stress_config cfg = {
		.name = "page ring, 32 in flight, hold-off from 4",
		.ring_bytes = 4096, .start = 0,
		.requests = 4000000 / SCALE, .max_batch = 64,
		.max_in_flight = 32, .holdoff = 4,
	};

	stress(&cfg);
}

static void test_stress_holdoff_tiny_ring_across_wrap(void)
{
	static const struct stress_config cfg = {
		.name = "4-slot ring, wrapping, 3 in flight, hold-off from 2",
		.ring_bytes = 64 + 4 * 8, .start = 0xffffffff - 250000 / SCALE,
		.requests = 500000 / SCALE, .max_batch = 4,
		.max_in_flight = 3, .holdoff = 2,
	};

	stress(&cfg);
}

static void test_stress_tiny_ring_across_wrap(void)
{
	static const struct stress_config cfg = {
		.name = "4-slot ring, wrapping", .ring_bytes = 64 + 4 * 8,
		.start = 0xffffffff - 250000 / SCALE,
		.requests = 500000 / SCALE, .max_batch = 4,
	};

	stress(&cfg);
}

/* ---- The wake-up race, head on ----------------------------------------- */

/*
 * Each round, both sides at the same instant push one entry and then, as if
 * out of work, run their final check: the frontend pushes request r and
 * checks for responses, the backend pushes the response to request r - 1
 * and checks for requests.  In each direction, either the push must see the
 * event just armed by the final check and notify, or the final check must
 * see the pushed entry: never neither, or the consumer would sleep on work.
 * Only the full barriers in push and final check rule out "neither" (the
 * store-buffering pattern); without one, this finds it within seconds.
 */
#define RACE_ROUNDS	(1000000 / SCALE)

struct race_outcomes {
	unsigned long notified_only, found_only, missed;
};

struct race {
	struct splitio_front_ring front;
	struct splitio_back_ring back;
	u32 front_at, back_at;		/* rendezvous reached by each side */
	/* The frontend's half of a round, for the backend to judge. */
	bool request_notified;
	int response_work;
	struct race_outcomes requests, responses;
	unsigned long front_errors, back_errors;
};

/* Neither side goes past rendezvous @at before both have reached it. */
static void rendezvous(u32 *mine, const u32 *theirs, u32 at)
{
	unsigned int spins = 0;

	__atomic_store_n(mine, at, __ATOMIC_RELEASE);
	while (__atomic_load_n(theirs, __ATOMIC_ACQUIRE) < at)
		if (++spins % 1024 == 0)
			sched_yield();	/* the other side may be preempted */
}

/* Lets either side get ahead by a little, to go through every interleaving. */
static void jitter(u64 *rng)
{
	u32 delay = random_below(rng, 64);

	while (delay--)
		splitio_barrier();
}

/*
 * Gives each side of the race a CPU of its own, if there are two: a busy
 * scheduler might otherwise run them in turns on one, and they never race.
 */
static void pin_to_nth_cpu(int n)
{
	cpu_set_t allowed, mine;
	int cpu;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) ||
	    CPU_COUNT(&allowed) < 2)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &allowed) && n-- == 0) {
			CPU_ZERO(&mine);
			CPU_SET(cpu, &mine);
			pthread_setaffinity_np(pthread_self(), sizeof(mine),
					       &mine);
			return;
		}
	}
}

static void judge(struct race_outcomes *outcomes, bool notified, int work)
{
	if (!notified && !work)
		outcomes->missed++;
	else if (!notified)
		outcomes->found_only++;
	else if (!work)
		outcomes->notified_only++;
}

static void *race_frontend(void *arg)
{
	struct race *race = arg;
	struct splitio_front_ring *front = &race->front;
	u64 rng = 0x0123456789abcdefull;
	u32 round;

	pin_to_nth_cpu(0);
	for (round = 1; round <= RACE_ROUNDS; round++) {
		rendezvous(&race->front_at, &race->back_at, 2 * round);
		jitter(&rng);
		front->req_prod_pvt++;
		race->request_notified = splitio_front_push_requests(front);
		race->response_work =
			splitio_front_final_check_for_responses(front);
		rendezvous(&race->front_at, &race->back_at, 2 * round + 1);

		/* The backend pushed this round's response before arriving. */
		if (splitio_front_unconsumed_responses(front) == 1)
			front->rsp_cons++;
		else
			race->front_errors++;
	}
	return NULL;
}

static void *race_backend(void *arg)
{
	struct race *race = arg;
	struct splitio_back_ring *back = &race->back;
	u64 rng = 0xfedcba9876543210ull;
	u32 round;

	pin_to_nth_cpu(1);
	for (round = 1; round <= RACE_ROUNDS; round++) {
		bool notified;
		int work;

		rendezvous(&race->back_at, &race->front_at, 2 * round);
		jitter(&rng);
		back->rsp_prod_pvt++;
		notified = splitio_back_push_responses(back);
		work = splitio_back_final_check_for_requests(back);
		rendezvous(&race->back_at, &race->front_at, 2 * round + 1);

		if (work < 0 || race->response_work < 0)
			race->back_errors++;
		judge(&race->requests, race->request_notified, work);
		judge(&race->responses, notified, race->response_work);
		/* Take this round's request, to answer next round. */
		if (splitio_back_unconsumed_requests(back) == 1)
			back->req_cons++;
		else
			race->back_errors++;
	}
	return NULL;
}

static void check_race_outcomes(const char *direction,
				const struct race_outcomes *outcomes)
{
	printf("race, %s: %lu rounds notified only, %lu found only, "
	       "%lu missed\n", direction, outcomes->notified_only,
	       outcomes->found_only, outcomes->missed);
	CHECK_EQ(outcomes->missed, 0);
	/* Not a failure: with a single CPU, the threads can only take turns. */
	if (!outcomes->notified_only || !outcomes->found_only)
		printf("note: the race was never contested; machine busy?\n");
}

static void test_race_push_against_final_check(void)
{
	static u8 shared[64 + 4 * 8] __attribute__((aligned(64)));
	static struct race race;
	pthread_t front_thread, back_thread;

	memset(&race, 0, sizeof(race));
	ring_init_at((struct splitio_sring *)shared, sizeof(shared), 0,
		     &race.front, &race.back);
	/* The backend holds request 0, to answer in the first round. */
	race.front.req_prod_pvt++;
	splitio_front_push_requests(&race.front);
	race.back.req_cons++;

	pthread_create(&back_thread, NULL, race_backend, &race);
	pthread_create(&front_thread, NULL, race_frontend, &race);
	pthread_join(front_thread, NULL);
	pthread_join(back_thread, NULL);

	CHECK_EQ(race.front_errors, 0);
	CHECK_EQ(race.back_errors, 0);
	check_race_outcomes("requests", &race.requests);
	check_race_outcomes("responses", &race.responses);
}

static const struct test_case tests[] = {
	TEST(test_stress_page_ring),
	TEST(test_stress_tiny_ring),
	TEST(test_stress_across_wrap),
	TEST(test_stress_tiny_ring_across_wrap),
	TEST(test_stress_holdoff),
	TEST(test_stress_holdoff_tiny_ring_across_wrap),
	TEST(test_race_push_against_final_check),
};

int main(void)
{
	return run_tests(tests, ARRAY_SIZE(tests));
}
