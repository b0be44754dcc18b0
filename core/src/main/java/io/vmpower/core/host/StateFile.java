package io.vmpower.core.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the host keeps the CPU settings it found at start, so that a host killed with SIGKILL
 * (which nothing in-process can catch) can be restored by {@code vm-power-mgr --restore} or by the
 * next host. Written atomically (a temporary file in the same folder, forced to disk, then renamed
 * over the old one) before the first change; deleted once the settings are restored.
 *
 * <p>The file records which backend wrote it; a file written for another backend (another sysfs
 * root, the simulator) is never applied.
 */
public final class StateFile {
  /** The key that names the backend the settings belong to. */
  public static final String BACKEND_KEY = "vmpower.backend";

  private final Path path;

  private StateFile(Path path) {
    this.path = path;
  }

  /** No state file: settings live only in the process. */
  public static StateFile none() {
    return new StateFile(null);
  }

  public static StateFile at(Path path) {
    return new StateFile(path.toAbsolutePath());
  }

  public boolean enabled() {
    return path != null;
  }

  public Path path() {
    return path;
  }

  /** The saved settings and the backend that saved them, or empty when there is no file. */
  public Optional<Saved> read() throws IOException {
    if (path == null || !Files.exists(path)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(path)) {
      p.load(in);
    } catch (IllegalArgumentException e) {
      throw new IOException("state file " + path + " is malformed: " + e.getMessage(), e);
    }
    String backend = p.getProperty(BACKEND_KEY);
    if (backend == null) {
      throw new IOException(
          "state file "
              + path
              + " is malformed: no "
              + BACKEND_KEY
              + " line (not written by vmpower?)");
    }
    Map<String, String> settings = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      if (!k.equals(BACKEND_KEY)) {
        settings.put(k, p.getProperty(k));
      }
    }
    return Optional.of(new Saved(backend, settings));
  }

  /** Writes {@code settings} of {@code backend} atomically. */
  public void write(String backend, Map<String, String> settings) throws IOException {
    if (path == null) {
      return;
    }
    Path dir = path.getParent();
    Files.createDirectories(dir);
    Properties p = new Properties();
    p.setProperty(BACKEND_KEY, backend);
    settings.forEach(p::setProperty);
    Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        p.store(out, "vmpower: CPU settings found at start; restore with vm-power-mgr --restore");
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + path + " atomically: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Removes the file (the settings were restored). */
  public void delete() throws IOException {
    if (path != null) {
      Files.deleteIfExists(path);
    }
  }

  /** Settings read back, with the description of the backend that wrote them. */
  public record Saved(String backend, Map<String, String> settings) {}
}
