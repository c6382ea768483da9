package dev.cartrescue.local.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The bench's input, made up before any timing starts: a profile for every contact (consenting, a
 * valid French mobile number, so that no cart is suppressed for its profile) and a clickstream of
 * shopping sessions in the contract's format (docs/contract.md §2), in timestamp order across all
 * contacts, so that each partition is in order and no event is late.
 *
 * <p>A session is one to four {@code add_to_cart}s a few seconds apart, then a {@code purchase} or
 * nothing; sessions of a contact are hours apart, so a session without a purchase is exactly one
 * abandoned cart. Once a contact has bought, every later session of theirs ends in a purchase, so
 * no abandoned cart has a purchase in the 24 h before its deadline; there are no capping events and
 * no {@code remove_from_cart}. With the whole clickstream placed so that its last deadline is more
 * than 7 h in the past, every abandoned cart's expected outcome is {@code suppressed/stale}, and
 * the sender's rate limit never bounds the run.
 *
 * <p>The generator runs twice with the same seed: once to learn the time span, once to write.
 *
 * <p>The sender's bench has an input of its own ({@link #carts}): one add_to_cart per contact, with
 * the deadlines in the near future, at the rate to measure, so that every cart is sent.
 */
final class BenchData {
  /** The newest deadline lies this far behind the wall clock: beyond rule.max-send-delay (6 h). */
  static final Duration NEWEST_DEADLINE_AGE = Duration.ofHours(7);

  static final Duration ABANDON_AFTER = Duration.ofHours(1);

  /** Within a session no two cart events are further apart than this (well under one hour). */
  private static final long MAX_IN_SESSION_GAP_MS = Duration.ofMinutes(40).toMillis();

  /** Receives the generated records in timestamp order. */
  interface Sink {
    void click(String contactId, long timestamp, String json);
  }

  /** What the generator made, and what the job must make of it. */
  record Made(
      long clickEvents,
      long addToCarts,
      long purchases,
      long pageViews,
      long abandonedCarts,
      long firstTimestamp,
      long lastTimestamp) {}

  private final int contacts;
  private final long events;
  private final double pageViewShare;
  private final long seed;

  BenchData(int contacts, long events, double pageViewShare, long seed) {
    this.contacts = contacts;
    this.events = events;
    this.pageViewShare = pageViewShare;
    this.seed = seed;
  }

  static String contactId(int i) {
    return "c-" + i;
  }

  /**
   * A valid French mobile number, distinct per contact: 6, then a digit of [0-24-8], then seven
   * free digits (libphonenumber's mobile pattern for FR), in national form.
   */
  static String phoneNumber(int i) {
    int block = i / 10_000_000;
    char second = "01245678".charAt(block % 8);
    return "06" + second + "%07d".formatted(i % 10_000_000);
  }

  static String profile(int i, long updatedAt) {
    return "{\"contact_id\":\""
        + contactId(i)
        + "\",\"phone_number\":\""
        + phoneNumber(i)
        + "\",\"whatsapp_code\":\"33\",\"whatsapp_consent\":true,\"first_name\":\""
        + (i % 2 == 0 ? "Anna" : "Louis")
        + "\",\"language\":\"fr\",\"updated_at\":\""
        + Instant.ofEpochMilli(updatedAt)
        + "\"}";
  }

  /** The number as the job sends it: E.164, with the leading '+'. */
  static String phoneE164(int i) {
    return "+33" + phoneNumber(i).substring(1);
  }

  /** The add_to_cart {@code seq} of contact {@code index}, in its session {@code session}. */
  static String addToCart(int index, long seq, int session, long timestamp, int sku) {
    return ("{\"event_id\":\"e-%d-%d\",\"type\":\"add_to_cart\",\"contact_id\":\"%s\",\"timestamp\":\"%s\","
            + "\"cart_id\":\"k-%d-%d\",\"cart_url\":\"https://shop.example/cart/k-%d-%d\","
            + "\"product\":{\"id\":\"sku-%d\",\"name\":\"Trail shoe %d\",\"price\":89.90,\"currency\":\"EUR\",\"quantity\":1}}")
        .formatted(
            index,
            seq,
            contactId(index),
            Instant.ofEpochMilli(timestamp),
            index,
            session,
            index,
            session,
            sku,
            sku);
  }

  /**
   * When the cart of contact {@code i} is due: {@code perSecond} deadlines a second from {@code
   * first}.
   */
  static long deadline(long first, int i, int perSecond) {
    return first + i * 1000L / perSecond;
  }

  /**
   * The sender's clickstream: one add_to_cart per contact and nothing else, so that each contact
   * has exactly one abandoned cart, contact {@code i}'s due at {@link #deadline}; in timestamp
   * order.
   */
  static Made carts(int carts, long firstDeadline, int perSecond, Sink sink) {
    long abandonAfter = ABANDON_AFTER.toMillis();
    for (int i = 0; i < carts; i++) {
      long t = deadline(firstDeadline, i, perSecond) - abandonAfter;
      sink.click(contactId(i), t, addToCart(i, 0, 0, t, i % 500));
    }
    return new Made(
        carts,
        carts,
        0,
        0,
        carts,
        firstDeadline - abandonAfter,
        deadline(firstDeadline, carts - 1, perSecond) - abandonAfter);
  }

  /** Generates the clickstream, with its first event at {@code start}, into {@code sink}. */
  Made generate(long start, Sink sink) {
    Random random = new Random(seed);
    PriorityQueue<Shopper> queue = new PriorityQueue<>();
    long base = events / contacts;
    long extra = events % contacts;
    for (int i = 0; i < contacts; i++) {
      long n = base + (i < extra ? 1 : 0);
      if (n == 0) {
        continue;
      }
      long cartSteps = Math.max(1, Math.round(n * (1 - pageViewShare)));
      // First events spread over a day.
      long first = start + (long) (random.nextDouble() * Duration.ofDays(1).toMillis());
      queue.add(new Shopper(i, n, Math.min(n, cartSteps), first));
    }
    Counts counts = new Counts();
    counts.first = Long.MAX_VALUE;
    while (!queue.isEmpty()) {
      Shopper s = queue.poll();
      s.emit(random, sink, counts);
      if (s.remaining > 0) {
        queue.add(s);
      }
    }
    return new Made(
        counts.clicks,
        counts.addToCarts,
        counts.purchases,
        counts.pageViews,
        counts.abandoned,
        counts.first,
        counts.last);
  }

  private static final class Counts {
    long clicks;
    long addToCarts;
    long purchases;
    long pageViews;
    long abandoned;
    long first;
    long last;
  }

  /** One contact's shopping, one event at a time. */
  private static final class Shopper implements Comparable<Shopper> {
    final int index;
    final String id;
    long remaining;
    long cartStepsLeft;
    long next;
    long seq;
    int session;
    boolean bought;
    // The current session.
    boolean inSession;
    int addsLeft;
    boolean buys;
    long lastCartStep;

    Shopper(int index, long events, long cartSteps, long first) {
      this.index = index;
      this.id = contactId(index);
      this.remaining = events;
      this.cartStepsLeft = cartSteps;
      this.next = first;
    }

    @Override
    public int compareTo(Shopper o) {
      return Long.compare(next, o.next);
    }

    void emit(Random random, Sink sink, Counts counts) {
      long t = next;
      boolean pageView = cartStepsLeft == 0 || random.nextDouble() * remaining >= cartStepsLeft;
      String json;
      boolean sessionEnds = false;
      if (pageView) {
        json =
            "{\"event_id\":\"e-%d-%d\",\"type\":\"page_view\",\"contact_id\":\"%s\",\"timestamp\":\"%s\",\"page_url\":\"https://shop.example/p/sku-%d\"}"
                .formatted(index, seq, id, Instant.ofEpochMilli(t), random.nextInt(500));
        counts.pageViews++;
      } else {
        if (!inSession) {
          startSession(random);
        }
        if (addsLeft > 0) {
          json = addToCart(index, seq, session, t, random.nextInt(500));
          addsLeft--;
          counts.addToCarts++;
          if (addsLeft == 0 && !buys) {
            counts.abandoned++;
            sessionEnds = true;
          }
        } else {
          json =
              "{\"event_id\":\"e-%d-%d\",\"type\":\"purchase\",\"contact_id\":\"%s\",\"timestamp\":\"%s\",\"order_id\":\"o-%d-%d\",\"value\":89.90,\"currency\":\"EUR\"}"
                  .formatted(index, seq, id, Instant.ofEpochMilli(t), index, session);
          counts.purchases++;
          bought = true;
          sessionEnds = true;
        }
        cartStepsLeft--;
        lastCartStep = t;
      }
      sink.click(id, t, json);
      counts.clicks++;
      counts.first = Math.min(counts.first, t);
      counts.last = Math.max(counts.last, t);
      seq++;
      remaining--;
      if (sessionEnds) {
        inSession = false;
        session++;
        // The next session starts 2 to 6 hours later: more than the hour of abandonment.
        next = t + Duration.ofHours(2).toMillis() + random.nextInt(4 * 3600) * 1000L;
      } else {
        long gap = 5_000 + random.nextInt(55_000);
        next = inSession ? Math.min(t + gap, lastCartStep + MAX_IN_SESSION_GAP_MS) : t + gap;
        next = Math.max(next, t);
      }
    }

    private void startSession(Random random) {
      inSession = true;
      buys = bought || random.nextBoolean();
      int adds = 1 + random.nextInt(4);
      addsLeft = (int) Math.min(adds, buys ? cartStepsLeft - 1 : cartStepsLeft);
      lastCartStep = next;
    }
  }
}
