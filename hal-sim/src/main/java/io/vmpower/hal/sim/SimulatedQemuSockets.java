package io.vmpower.hal.sim;

import io.vmpower.core.hal.VmState;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real AF_UNIX sockets for the channels of a {@link SimulatedHost}'s running VMs, as QEMU makes
 * them, for a live demo with the real socket transport. For each channel it listens on the host
 * socket {@code {channelDir}/{vm}.{n}} (the host monitor connects as a client) and on a guest port
 * socket {@code {channelDir}/guests/{vm}/virtio.serial.port.poweragent.{n}} (a guest CLI, or a DPDK
 * guest through socat, connects there), and relays bytes both ways:
 *
 * <ul>
 *   <li>guest bytes sent while no host client is connected are kept (up to {@value
 *       SimulatedQemuSocketRelay#BUFFER_BYTES} bytes, then the guest's writes block) and delivered
 *       to the next host client; host bytes are kept until a guest connects;
 *   <li>a host client's disconnect does not drop the guest's connection, and the reverse;
 *   <li>one client at a time per socket, as QEMU serves one;
 *   <li>{@link SimulatedHost#stopVm} closes the VM's sockets (the host sees end-of-file) and
 *       removes the files; {@link SimulatedHost#startVm} binds them again; {@link
 *       SimulatedHost#hangUp} closes the host client's connection and keeps listening.
 * </ul>
 *
 * <p>One daemon thread with a selector does all socket work; driver methods wait for it, so the
 * files exist (or are gone) when they return. {@link #close()} removes every socket file and every
 * folder it created. The channel folder is created with mode 0750, {@code guests} 0750, and each
 * VM's guest folder 0700.
 */
public final class SimulatedQemuSockets implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatedQemuSockets.class);
  private static final Set<PosixFilePermission> MODE_0750 =
      PosixFilePermissions.fromString("rwxr-x---");
  private static final Set<PosixFilePermission> MODE_0700 =
      PosixFilePermissions.fromString("rwx------");

  private final SimulatedHost host;
  private final Path guestRoot;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<FutureTask<?>> tasks = new ConcurrentLinkedQueue<>();
  private final List<Path> createdDirs = new ArrayList<>(); // constructor and close only
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean running = true;
  private final SimulatedHostObserver observer;
  // selector thread only
  private final Map<String, List<SimulatedQemuSocketRelay>> relays = new HashMap<>();
  private final Map<String, Path> vmDirs = new HashMap<>();

  /**
   * Creates the folders, binds the sockets of every running VM and starts relaying.
   *
   * @throws IOException when a folder or a socket cannot be made (nothing is left behind)
   */
  public SimulatedQemuSockets(SimulatedHost host) throws IOException {
    this.host = host;
    this.guestRoot = host.channelDir().resolve("guests");
    this.selector = Selector.open();
    this.observer =
        new SimulatedHostObserver() {
          @Override
          public void vmStarted(String vm) {
            syncQuietly(vm);
          }

          @Override
          public void vmStopped(String vm) {
            syncQuietly(vm);
          }

          @Override
          public void channelHungUp(String vm, int channel) {
            try {
              call(
                  () ->
                      relays.getOrDefault(vm, List.of()).stream()
                          .filter(r -> r.number == channel)
                          .forEach(SimulatedQemuSocketRelay::hangUpHost));
            } catch (IOException e) {
              log.warn("hang-up of {}.{} failed: {}", vm, channel, e.getMessage());
            }
          }
        };
    this.thread = new Thread(this::loop, "vmpower-sim-qemu-sockets");
    thread.setDaemon(true);
    thread.start();
    try {
      if (makeDir(host.channelDir(), MODE_0750)) {
        createdDirs.add(host.channelDir());
      }
      if (makeDir(guestRoot, MODE_0750)) {
        createdDirs.add(guestRoot);
      }
      host.addObserver(observer);
      call(
          () -> {
            for (String vm : host.vmNames()) {
              sync(vm);
            }
          });
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The host socket of a channel, where the host monitor connects. */
  public Path hostSocket(String vm, int channel) {
    return host.channelPath(vm, channel);
  }

  /** The guest port socket of a channel, where a guest connects. */
  public Path guestSocket(String vm, int channel) {
    return guestRoot.resolve(vm).resolve("virtio.serial.port.poweragent." + channel);
  }

  /** Whether a host client is connected to the channel now (false when not bound). */
  public boolean hostConnected(String vm, int channel) throws IOException {
    return ask(vm, channel, SimulatedQemuSocketRelay::hostConnected);
  }

  /** Whether a guest is connected to the channel's port now (false when not bound). */
  public boolean guestConnected(String vm, int channel) throws IOException {
    return ask(vm, channel, SimulatedQemuSocketRelay::guestConnected);
  }

  /** Closes every socket, removes their files and the folders this object created. Idempotent. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    host.removeObserver(observer);
    try {
      call(this::unbindAll);
    } catch (IOException e) {
      log.warn("closing the simulated QEMU sockets: {}", e.getMessage());
    }
    running = false;
    selector.wakeup();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int i = createdDirs.size() - 1; i >= 0; i--) {
      removeDir(createdDirs.get(i));
    }
  }

  // ---- selector thread ----

  private void loop() {
    try {
      while (running) {
        selector.select();
        FutureTask<?> t;
        while ((t = tasks.poll()) != null) {
          t.run();
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          if (key.isValid() && key.attachment() instanceof SimulatedQemuSocketRelay.Handle h) {
            h.relay().handle(key, h.role());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      log.error("simulated QEMU socket relay stopped", e);
    } finally {
      running = false;
      unbindAll();
      FutureTask<?> t;
      while ((t = tasks.poll()) != null) {
        t.cancel(false);
      }
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("selector close: {}", e.toString());
      }
    }
  }

  /** Binds or unbinds the VM's sockets to match whether it runs. */
  private void sync(String vm) throws IOException {
    boolean run;
    List<Integer> channels;
    try {
      run = host.vmState(vm) == VmState.RUNNING;
      channels = host.channels(vm);
    } catch (IllegalArgumentException gone) {
      run = false;
      channels = List.of();
    }
    List<SimulatedQemuSocketRelay> bound = relays.get(vm);
    if (run && bound == null && !channels.isEmpty()) {
      Path dir = guestRoot.resolve(vm);
      if (makeDir(dir, MODE_0700)) {
        vmDirs.put(vm, dir);
      }
      List<SimulatedQemuSocketRelay> list = new ArrayList<>();
      relays.put(vm, list);
      try {
        for (int n : channels) {
          SimulatedQemuSocketRelay r =
              new SimulatedQemuSocketRelay(vm, n, hostSocket(vm, n), guestSocket(vm, n));
          r.bind(selector);
          list.add(r);
        }
      } catch (IOException e) {
        unbind(vm);
        throw e;
      }
      log.debug("listening on the {} channel(s) of {}", list.size(), vm);
    } else if (!run && bound != null) {
      unbind(vm);
    }
  }

  private void unbind(String vm) {
    List<SimulatedQemuSocketRelay> list = relays.remove(vm);
    if (list != null) {
      list.forEach(SimulatedQemuSocketRelay::close);
    }
    Path dir = vmDirs.remove(vm);
    if (dir != null) {
      removeDir(dir);
    }
  }

  private void unbindAll() {
    for (String vm : new ArrayList<>(relays.keySet())) {
      unbind(vm);
    }
  }

  // ---- any thread ----

  private interface IoTask {
    void run() throws IOException;
  }

  private void syncQuietly(String vm) {
    try {
      call(() -> sync(vm));
    } catch (IOException e) {
      log.warn("sockets of VM '{}': {}", vm, e.getMessage());
    }
  }

  private boolean ask(String vm, int channel, Predicate<SimulatedQemuSocketRelay> q)
      throws IOException {
    return submit(
        () ->
            relays.getOrDefault(vm, List.of()).stream()
                .anyMatch(r -> r.number == channel && q.test(r)));
  }

  /** Runs {@code task} on the selector thread and waits for it. */
  private void call(IoTask task) throws IOException {
    submit(
        () -> {
          task.run();
          return null;
        });
  }

  private <T> T submit(Callable<T> task) throws IOException {
    if (Thread.currentThread() == thread) {
      try {
        return task.call();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
    if (!running) {
      throw new IOException("the simulated QEMU sockets are closed");
    }
    FutureTask<T> f = new FutureTask<>(task);
    tasks.add(f);
    selector.wakeup();
    if (!running && tasks.remove(f)) {
      throw new IOException("the simulated QEMU sockets are closed");
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the socket thread");
    } catch (CancellationException e) {
      throw new IOException("the simulated QEMU sockets are closed");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Creates {@code dir} (and missing parents) with {@code mode}; false when it existed. */
  private static boolean makeDir(Path dir, Set<PosixFilePermission> mode) throws IOException {
    if (Files.isDirectory(dir)) {
      return false;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.createDirectory(dir);
    try {
      Files.setPosixFilePermissions(dir, mode);
    } catch (UnsupportedOperationException e) {
      log.debug("{}: no POSIX permissions on this file system", dir);
    }
    return true;
  }

  private static void removeDir(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      log.info("left {} in place: it holds files this program did not make", dir);
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", dir, e.toString());
    }
  }
}
