package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Decoder;
import org.junit.jupiter.api.Test;

class QrTextTest {
    private static final String ID = "jami:5a9bd33c1f0d6b7a2a4c0b1d2e3f405162738495";

    @Test
    void theDrawnCodeDecodesBackToTheText() throws Exception {
        String drawn = QrText.render(ID);
        BitMatrix modules = modulesOf(drawn);

        assertThat(new Decoder().decode(modules).getText()).isEqualTo(ID);
    }

    @Test
    void everyRowIsAsWideAsTheCodeWithItsQuietZone() {
        BitMatrix m = QrText.matrix(ID);
        String[] rows = QrText.render(ID).split("\n");

        assertThat(rows).hasSize((m.getHeight() + 1) / 2);
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(m.getWidth()));
        // the quiet zone is light: the first row is all full blocks
        assertThat(rows[0]).matches("█+");
    }

    /** Reads the half blocks back into modules and drops the quiet zone, as a scanner would see them. */
    private static BitMatrix modulesOf(String drawn) {
        String[] rows = drawn.split("\n");
        int width = rows[0].length();
        int size = width - 2 * QrText.QUIET_ZONE;
        BitMatrix m = new BitMatrix(size);
        for (int y = 0; y < size; y++) {
            int row = y + QrText.QUIET_ZONE;
            char c = rows[row / 2].charAt(0);
            for (int x = 0; x < size; x++) {
                c = rows[row / 2].charAt(x + QrText.QUIET_ZONE);
                boolean top = c == ' ' || c == '▄';
                boolean bottom = c == ' ' || c == '▀';
                if (row % 2 == 0 ? top : bottom) {
                    m.set(x, y);
                }
            }
        }
        return m;
    }
}
