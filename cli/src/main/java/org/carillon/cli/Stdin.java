package org.carillon.cli;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;

/** The process's standard input, a seam so that tests can type commands and messages. */
interface Stdin {
    /** True when a user is typing at a terminal (then the console edits lines). */
    boolean isTerminal();

    Reader reader();

    Stdin SYSTEM = new Stdin() {
        @Override
        public boolean isTerminal() {
            return System.console() != null;
        }

        @Override
        public Reader reader() {
            return new InputStreamReader(System.in, Charset.defaultCharset());
        }
    };
}
