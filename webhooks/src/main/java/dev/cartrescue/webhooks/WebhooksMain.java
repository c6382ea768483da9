package dev.cartrescue.webhooks;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./cart-rescue webhooks} and the image's entry point: the receiver until SIGTERM (or
 * Ctrl-C), which stops it gracefully ({@link WebhookReceiver#close()}). A bad option is one line on
 * standard error and exit status {@value #BAD_CONFIGURATION}.
 */
public final class WebhooksMain {
  /** The exit status for a bad option, a missing secret or a port already taken. */
  public static final int BAD_CONFIGURATION = 2;

  private static final String NAME = "cart-rescue webhooks";
  private static final List<String> HELP_FLAGS = List.of("--help", "-h");

  /**
   * The JDK server's own limits, unless set otherwise: a client gets 30 s to send its request and
   * to read the answer, so that a slow one cannot hold a thread. Read once, when the server's
   * classes load: set before the first server starts.
   */
  private static final List<String[]> SERVER_LIMITS =
      List.of(
          new String[] {"sun.net.httpserver.maxReqTime", "30"},
          new String[] {"sun.net.httpserver.maxRspTime", "30"});

  private WebhooksMain() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * The help, or the receiver until the JVM is asked to stop.
   *
   * @return 0, or {@value #BAD_CONFIGURATION} after the one line on {@code err} that says why it
   *     did not start
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (Arrays.stream(args).anyMatch(HELP_FLAGS::contains)) {
      out.print(ReceiverOptions.help());
      return 0;
    }
    WebhookReceiver receiver;
    try {
      receiver = start(args);
    } catch (IllegalArgumentException e) {
      err.println(oneLine(e));
      return BAD_CONFIGURATION;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  receiver.close();
                  stopped.countDown();
                },
                "webhooks-stop"));
    out.println(NAME + ": listening on " + receiver.url() + "; Ctrl-C stops it");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Parses {@code args} and starts the receiver; for a caller that runs it in its own JVM. */
  static WebhookReceiver start(String... args) {
    ReceiverOptions options = ReceiverOptions.parse(args);
    for (String[] limit : SERVER_LIMITS) {
      if (System.getProperty(limit[0]) == null) {
        System.setProperty(limit[0], limit[1]);
      }
    }
    return WebhookReceiver.start(options);
  }

  /** {@code cart-rescue webhooks: } and the first line of the exception's message. */
  static String oneLine(IllegalArgumentException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = message.indexOf('\n');
    return NAME + ": " + (nl < 0 ? message : message.substring(0, nl));
  }
}
