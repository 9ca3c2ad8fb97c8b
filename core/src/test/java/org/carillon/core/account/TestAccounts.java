package org.carillon.core.account;

import java.security.SecureRandom;

/** Accounts made once per test run with 2048-bit keys (4096 takes seconds per key). */
public final class TestAccounts {
    public static final int TEST_RSA_BITS = 2048;
    private static AccountKeys alice;
    private static AccountKeys bob;

    private TestAccounts() {}

    public static AccountGenerator generator() {
        return new AccountGenerator(new SecureRandom(), TEST_RSA_BITS);
    }

    public static synchronized AccountKeys alice() {
        if (alice == null) {
            alice = generator().newAccount("alice's laptop", Progress.NONE);
        }
        return alice;
    }

    public static synchronized AccountKeys bob() {
        if (bob == null) {
            bob = generator().newAccount("bob's phone", Progress.NONE);
        }
        return bob;
    }
}
