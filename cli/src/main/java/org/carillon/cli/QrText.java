package org.carillon.cli;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/**
 * A QR code drawn with Unicode half blocks, two modules per character row, so an account id fits
 * in a terminal and a phone can scan it. Light modules (quiet zone included) are drawn as blocks
 * in the terminal's foreground colour and dark ones left blank: right on the usual light-on-dark
 * terminal; on a dark-on-light one the code comes out inverted, which most scanner apps read too.
 */
final class QrText {
    /** The quiet zone the standard asks for around the symbol, in modules. */
    static final int QUIET_ZONE = 4;

    private QrText() {}

    /** The code for {@code text} as lines of half blocks (dark = ' ', light = full or half block). */
    static String render(String text) {
        BitMatrix m = matrix(text);
        StringBuilder out = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y += 2) {
            for (int x = 0; x < m.getWidth(); x++) {
                boolean top = m.get(x, y);
                boolean bottom = y + 1 < m.getHeight() && m.get(x, y + 1);
                out.append(top ? (bottom ? ' ' : '▄') : (bottom ? '▀' : '█'));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The modules of the code, quiet zone included ({@code true} = dark). */
    static BitMatrix matrix(String text) {
        try {
            return new QRCodeWriter()
                    .encode(
                            text,
                            BarcodeFormat.QR_CODE,
                            0,
                            0,
                            Map.of(
                                    EncodeHintType.MARGIN,
                                    QUIET_ZONE,
                                    EncodeHintType.ERROR_CORRECTION,
                                    ErrorCorrectionLevel.M));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode '" + text + "' as a QR code: " + e.getMessage(), e);
        }
    }
}
