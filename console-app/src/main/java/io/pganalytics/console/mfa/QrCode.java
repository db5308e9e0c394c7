package io.pganalytics.console.mfa;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import java.util.Map;

/** A QR code's modules (true = dark), quiet zone included, for the enrolment screen to draw. */
public record QrCode(boolean[][] modules) {
    public static QrCode of(String text) {
        try {
            BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
            boolean[][] modules = new boolean[matrix.getHeight()][matrix.getWidth()];
            for (int y = 0; y < matrix.getHeight(); y++) {
                for (int x = 0; x < matrix.getWidth(); x++) {
                    modules[y][x] = matrix.get(x, y);
                }
            }
            return new QrCode(modules);
        } catch (WriterException e) {
            throw new IllegalArgumentException("the enrolment address does not fit in a QR code (" + text.length() + " characters)", e);
        }
    }

    public int size() {
        return modules.length;
    }

    public boolean dark(int x, int y) {
        return modules[y][x];
    }
}
