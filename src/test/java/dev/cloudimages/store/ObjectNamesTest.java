package dev.cloudimages.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep takes the temporaries of one name exactly: never those of a longer name that starts alike. */
class ObjectNamesTest {

    @Test
    void theTemporariesOfANameAreTheirsAlone() {
        for (int i = 0; i < 100; i++) {
            String temporary = ObjectNames.temporary("alpine.qcow2");
            assertTrue(ObjectNames.isTemporary(temporary), temporary);
            assertTrue(ObjectNames.isTemporaryOf("alpine.qcow2", temporary), temporary);
            assertFalse(ObjectNames.isTemporaryOf("alpine", temporary), temporary);
            assertFalse(ObjectNames.isTemporaryOf("alpine.qcow2.sha512", temporary), temporary);
            assertFalse(ObjectNames.isTemporaryOf("alpine.qcow2", ObjectNames.temporary("alpine.qcow2.sha512")));
        }
        assertFalse(ObjectNames.isTemporaryOf("alpine.qcow2", "alpine.qcow2"));
        assertFalse(ObjectNames.isTemporaryOf("alpine.qcow2", ".alpine.qcow2.part"));
        assertFalse(ObjectNames.isTemporaryOf("alpine.qcow2", ".alpine.qcow2..part"));
        assertFalse(ObjectNames.isTemporaryOf("alpine.qcow2", ".alpine.qcow2.k3x9q2.part.yaml"));
        assertFalse(ObjectNames.isTemporaryOf("alpine.qcow2", ".alpine.qcow2.k3x9q2.z7.part"));
        assertFalse(ObjectNames.isTemporaryOf("alpine.qcow2", "x/.alpine.qcow2.k3x9q2.part"));
        assertTrue(ObjectNames.isTemporaryOf("alpine.qcow2", ".alpine.qcow2.k3x9q2.part"));
    }
}
