package io.vmpower.features.packaging;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the source tree's packaging/ is, from features/ (the tests' working folder). */
final class PackagingFiles {
  private PackagingFiles() {}

  /** The source tree's root: the folder above features/ that holds packaging/. */
  static Path root() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("packaging")) && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("no packaging/ folder above " + here);
  }
}
