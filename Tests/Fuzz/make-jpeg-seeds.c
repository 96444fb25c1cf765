// Writes the JPEG seeds of the fuzz corpus with libjpeg-turbo: 4:4:4, 4:2:0, grey and
// progressive encodings of one small gradient. Built and run by make-seeds.sh.
#include <stdio.h>
#include <turbojpeg.h>

static int save(const char *path, const unsigned char *rgb, int subsampling, int flags, int quality) {
    tjhandle handle = tjInitCompress();
    unsigned char *out = NULL;
    unsigned long size = 0;
    if (!handle || tjCompress2(handle, rgb, 8, 0, 6, TJPF_RGB, &out, &size, subsampling, quality, flags) != 0) return 1;
    FILE *file = fopen(path, "wb");
    if (!file || fwrite(out, 1, size, file) != size) return 1;
    fclose(file);
    tjFree(out);
    tjDestroy(handle);
    return 0;
}

int main(void) {
    unsigned char rgb[8 * 6 * 3];
    for (int i = 0; i < 8 * 6; i++) {
        rgb[3 * i] = (unsigned char)(i * 5); rgb[3 * i + 1] = (unsigned char)(200 - i * 3); rgb[3 * i + 2] = (unsigned char)(i % 8 * 30);
    }
    return save("Corpus/JPEG/rgb444.jpg", rgb, TJSAMP_444, 0, 90)
        | save("Corpus/JPEG/rgb420.jpg", rgb, TJSAMP_420, 0, 50)
        | save("Corpus/JPEG/grey.jpg", rgb, TJSAMP_GRAY, 0, 75)
        | save("Corpus/JPEG/progressive.jpg", rgb, TJSAMP_422, TJFLAG_PROGRESSIVE, 85);
}
