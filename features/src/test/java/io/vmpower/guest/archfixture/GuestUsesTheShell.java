package io.vmpower.guest.archfixture;

import io.vmpower.cli.shell.ShellRunner;

/** Breaks a module rule on purpose, so ModuleRulesTest sees the rule fail: the library uses cli. */
final class GuestUsesTheShell {
  Class<?> used = ShellRunner.class;
}
