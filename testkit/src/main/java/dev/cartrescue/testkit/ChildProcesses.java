package dev.cartrescue.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the test kit's JVM processes of their own ({@link KafkaBrokerProcess}, the Flink cluster's
 * JobManager and TaskManager) have in common: the {@code java} that runs them, the ports they are
 * given, and the end of their log files for a failure's message.
 */
public final class ChildProcesses {

  private ChildProcesses() {}

  /** The {@code java} of the JVM running this code. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Distinct free ports on the loopback address: each socket stays open until all are chosen. */
  public static int[] freePorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("could not find free ports", e);
    } finally {
      for (ServerSocket socket : sockets) {
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException e) {
            // The port was read; a socket that will not close changes nothing here.
          }
        }
      }
    }
  }

  /**
   * The last {@code maxBytes} of a file (a log that a process may still be writing), or a note
   * saying why there is none.
   */
  public static String tail(Path file, int maxBytes) {
    if (!Files.exists(file)) {
      return "(" + file + " does not exist)";
    }
    try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ)) {
      long size = channel.size();
      int length = (int) Math.min(size, maxBytes);
      ByteBuffer bytes = ByteBuffer.allocate(length);
      channel.position(size - length);
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
        // Reads until the buffer is full; the file does not shrink.
      }
      return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(could not read " + file + ": " + e + ")";
    }
  }
}
