package dev.quantcheck.reporting.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Debian's Chromium and its chromedriver (packages {@code chromium} and {@code chromium-driver}). */
record HeadlessChromium(Path browser, Path driver) {

    /** The two programs at {@code -Dquantcheck.chromium} / {@code -Dquantcheck.chromedriver} or Debian's paths. */
    static HeadlessChromium configured() {
        return new HeadlessChromium(Path.of(System.getProperty("quantcheck.chromium", "/usr/bin/chromium")),
                Path.of(System.getProperty("quantcheck.chromedriver", "/usr/bin/chromedriver")));
    }

    /** This, when both programs are there. */
    Optional<HeadlessChromium> installed() {
        return Files.isExecutable(browser) && Files.isExecutable(driver) ? Optional.of(this) : Optional.empty();
    }

    String whatIsNeeded() {
        return "Chromium (" + browser + ") and chromedriver (" + driver + ") are needed: install Debian's with"
                + " `apt-get install chromium chromium-driver`, or name others with -Dquantcheck.chromium and"
                + " -Dquantcheck.chromedriver";
    }
}
