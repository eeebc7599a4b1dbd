package dev.cloudimages.testing.aws;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Injected faults; each fires the given number of times (a region's auth failure lasts until cleared). */
final class Faults {
    static final int UNTIL_CLEARED = Integer.MAX_VALUE;

    private record Remaining(String code, int times) {
    }

    private final Map<String, Integer> throttles = new HashMap<>();
    private final Set<String> authFailures = new HashSet<>();
    private final Map<String, Remaining> copyFailures = new HashMap<>();
    private Remaining registerFailure;
    private final Map<String, Remaining> bareStatuses = new HashMap<>();
    private int registerTagDrops;
    private boolean importsHeld;
    private int blockFailures;
    private int copyResourceLimits;
    private ImportFailure importFailure;
    private int importFailures;

    synchronized void throttle(String action, int times) {
        throttles.put(action, times);
    }

    synchronized void failBlock(int times) {
        blockFailures = times;
    }

    synchronized void failImportTask(ImportFailure mode, int times) {
        importFailure = mode;
        importFailures = times;
    }

    synchronized void regionAuthFailure(String region, boolean failing) {
        if (failing) {
            authFailures.add(region);
        } else {
            authFailures.remove(region);
        }
    }

    synchronized void failCopy(String region, String code, int times) {
        copyFailures.put(region, new Remaining(code, times));
    }

    synchronized void failRegister(String code, int times) {
        registerFailure = new Remaining(code, times);
    }

    /** The next {@code times} requests for the action answer this HTTP status with no body at all (a proxy's 502). */
    synchronized void bareStatus(String action, int status, int times) {
        bareStatuses.put(action, new Remaining(Integer.toString(status), times));
    }

    /** The next {@code times} RegisterImage requests make the AMI without the tags they asked for. */
    synchronized void dropRegisterTags(int times) {
        registerTagDrops = times;
    }

    /** The bare status the next request for the action answers, or 0. */
    synchronized int takeBareStatus(String action) {
        Remaining remaining = bareStatuses.get(action);
        if (remaining == null || remaining.times() <= 0) {
            return 0;
        }
        bareStatuses.put(action, new Remaining(remaining.code(), remaining.times() - 1));
        return Integer.parseInt(remaining.code());
    }

    /** While held, active import tasks make no progress (a slow conversion), polled or not. */
    synchronized void holdImports(boolean held) {
        importsHeld = held;
    }

    synchronized boolean importsHeld() {
        return importsHeld;
    }

    synchronized boolean takeRegisterTagDrop() {
        if (registerTagDrops <= 0) {
            return false;
        }
        registerTagDrops--;
        return true;
    }

    synchronized void resourceLimitOnCopy(int times) {
        copyResourceLimits = times;
    }

    synchronized void clear() {
        throttles.clear();
        authFailures.clear();
        copyFailures.clear();
        registerFailure = null;
        bareStatuses.clear();
        registerTagDrops = 0;
        importsHeld = false;
        blockFailures = 0;
        copyResourceLimits = 0;
        importFailure = null;
        importFailures = 0;
    }

    synchronized boolean takeThrottle(String action) {
        Integer left = throttles.get(action);
        if (left == null || left <= 0) {
            return false;
        }
        throttles.put(action, left - 1);
        return true;
    }

    synchronized boolean takeBlockFailure() {
        if (blockFailures <= 0) {
            return false;
        }
        blockFailures--;
        return true;
    }

    synchronized ImportFailure takeImportFailure() {
        if (importFailures <= 0) {
            return null;
        }
        importFailures--;
        return importFailure;
    }

    synchronized boolean authFails(String region) {
        return authFailures.contains(region);
    }

    /** The error code the next CopyImage into this region fails with, or null. */
    synchronized String takeCopyFailure(String region) {
        if (copyResourceLimits > 0) {
            copyResourceLimits--;
            return "ResourceLimitExceeded";
        }
        Remaining remaining = copyFailures.get(region);
        if (remaining == null || remaining.times() <= 0) {
            return null;
        }
        copyFailures.put(region, new Remaining(remaining.code(), remaining.times() == UNTIL_CLEARED
                ? UNTIL_CLEARED : remaining.times() - 1));
        return remaining.code();
    }

    synchronized String takeRegisterFailure() {
        if (registerFailure == null || registerFailure.times() <= 0) {
            return null;
        }
        String code = registerFailure.code();
        registerFailure = new Remaining(code, registerFailure.times() - 1);
        return code;
    }
}
