package io.vmpower.cli.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmpower.cli.ViewOutput;
import io.vmpower.cli.shell.ShellRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The host's command thread: every {@code vm_power>} command, typed at the prompt or sent by a
 * control client, runs here, one at a time, through the same picocli command model (so a client
 * gets byte for byte what the prompt prints). Never the channel monitor's thread: a command that
 * must act on channels asks the monitor, as at the prompt.
 */
public final class CommandExecutor implements ShellRunner.Gate, AutoCloseable {
  /** What a command printed and returned. */
  private static final ThreadLocal<Boolean> CAPTURED = new ThreadLocal<>();

  /** Whether the command running on this thread is a control client's (its output captured). */
  public static boolean capturing() {
    return Boolean.TRUE.equals(CAPTURED.get());
  }

  public record Outcome(int status, List<String> output, List<String> error, ObjectNode result) {}

  private final ShellRunner shell;
  private final ViewOutput views;
  private final ExecutorService thread;
  private volatile ViewOutput.Mode localMode = ViewOutput.Mode.TEXT;
  private volatile Thread commandThread;

  public CommandExecutor(ShellRunner shell, ViewOutput views) {
    this.shell = shell;
    this.views = views;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "vm_power-commands");
              t.setDaemon(true);
              commandThread = t;
              return t;
            });
  }

  /** How the prompt's (and a script's) {@code show_*} commands print: text, or JSON lines. */
  public void localMode(ViewOutput.Mode mode) {
    this.localMode = mode;
  }

  /** The gate of the prompt: runs a prompt's command here, in the local mode. */
  @Override
  public int run(IntSupplier command) {
    try {
      return call(
          () -> {
            views.mode(localMode);
            try {
              return command.getAsInt();
            } finally {
              views.mode(ViewOutput.Mode.TEXT);
            }
          });
    } catch (RejectedExecutionException e) {
      return ShellRunner.COMMAND_FAILED;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Runs {@code line} for a control client, its output captured; in JSON, a {@code show_*}
   * command's view is kept as {@link Outcome#result()} instead of printed.
   */
  public Outcome runCaptured(String line, boolean json) throws Exception {
    return call(
        () -> {
          CAPTURED.set(true);
          StringWriter out = new StringWriter();
          StringWriter err = new StringWriter();
          views.mode(json ? ViewOutput.Mode.JSON_RESULT : ViewOutput.Mode.TEXT);
          int status;
          ObjectNode result;
          try (PrintWriter o = new PrintWriter(out);
              PrintWriter e = new PrintWriter(err)) {
            status = shell.executeTo(line, o, e);
            result = views.takeResult();
          } finally {
            views.mode(ViewOutput.Mode.TEXT);
            CAPTURED.remove();
          }
          return new Outcome(status, lines(out.toString()), lines(err.toString()), result);
        });
  }

  /** Runs {@code action} on the command thread (directly when already on it) and waits. */
  public <T> T call(Callable<T> action) throws Exception {
    if (Thread.currentThread() == commandThread) {
      return action.call();
    }
    Future<T> f = thread.submit(action);
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      if (e.getCause() instanceof Error er) {
        throw er;
      }
      throw e;
    }
  }

  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    if (text.isEmpty()) {
      return out;
    }
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
        out.add(text.substring(start, end));
        start = i + 1;
      }
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  /** Lets a running command finish, then stops the thread. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
