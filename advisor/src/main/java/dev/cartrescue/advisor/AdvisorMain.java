package dev.cartrescue.advisor;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./cart-rescue advisor} and the image's entry point: the connector until SIGTERM (or
 * Ctrl-C), which stops it ({@link ChatwootConnector#close()}). A bad option is one line on standard
 * error and exit status {@value #BAD_CONFIGURATION}.
 */
public final class AdvisorMain {
  /** The exit status for a bad option, a missing token or a port already taken. */
  public static final int BAD_CONFIGURATION = 2;

  private static final String NAME = "cart-rescue advisor";
  private static final List<String> HELP_FLAGS = List.of("--help", "-h");

  private AdvisorMain() {}

  public static void main(String[] args) {
    int status = run(args, System.getenv(), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * The help, or the connector until the JVM is asked to stop.
   *
   * @return 0, or {@value #BAD_CONFIGURATION} after the one line on {@code err} that says why it
   *     did not start
   */
  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    if (Arrays.stream(args).anyMatch(HELP_FLAGS::contains)) {
      out.print(AdvisorOptions.help());
      return 0;
    }
    ChatwootConnector connector;
    try {
      connector = ChatwootConnector.start(AdvisorOptions.parse(environment, args));
    } catch (IllegalArgumentException e) {
      err.println(oneLine(e));
      return BAD_CONFIGURATION;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  connector.close();
                  stopped.countDown();
                },
                "advisor-stop"));
    out.println(
        NAME
            + ": running; /healthz and /metrics on port "
            + connector.port()
            + "; Ctrl-C stops it");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** {@code cart-rescue advisor: } and the first line of the exception's message. */
  static String oneLine(IllegalArgumentException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = message.indexOf('\n');
    return NAME + ": " + (nl < 0 ? message : message.substring(0, nl));
  }
}
