// The convolution shapes the engines are measured on: ResNet18 (batch 64, 3x112x112 input) and
// the small ResNet (16-32-64-128, batch 64, 3x28x28), as built by Sources/Layers/ResNet.swift.
// `layers` is how many convolutions of the network have this shape: the weight of the shape in
// the network's totals.
#ifndef ENGINES_SHAPES_H
#define ENGINES_SHAPES_H

typedef struct {
    const char *name, *net;
    long n, c, h, w, o, k, stride, pad;
    long layers;
} conv_shape;

static const conv_shape all_shapes[] = {
    {"r18.conv1 7x7/2 3-64 @112", "resnet18", 64, 3, 112, 112, 64, 7, 2, 3, 1},
    {"r18.l1 3x3 64-64 @28", "resnet18", 64, 64, 28, 28, 64, 3, 1, 1, 4},
    {"r18.l2a 3x3/2 64-128 @28", "resnet18", 64, 64, 28, 28, 128, 3, 2, 1, 1},
    {"r18.l2ds 1x1/2 64-128 @28", "resnet18", 64, 64, 28, 28, 128, 1, 2, 0, 1},
    {"r18.l2 3x3 128-128 @14", "resnet18", 64, 128, 14, 14, 128, 3, 1, 1, 3},
    {"r18.l3a 3x3/2 128-256 @14", "resnet18", 64, 128, 14, 14, 256, 3, 2, 1, 1},
    {"r18.l3ds 1x1/2 128-256 @14", "resnet18", 64, 128, 14, 14, 256, 1, 2, 0, 1},
    {"r18.l3 3x3 256-256 @7", "resnet18", 64, 256, 7, 7, 256, 3, 1, 1, 3},
    {"r18.l4a 3x3/2 256-512 @7", "resnet18", 64, 256, 7, 7, 512, 3, 2, 1, 1},
    {"r18.l4ds 1x1/2 256-512 @7", "resnet18", 64, 256, 7, 7, 512, 1, 2, 0, 1},
    {"r18.l4 3x3 512-512 @4", "resnet18", 64, 512, 4, 4, 512, 3, 1, 1, 3},
    {"small.stem 3x3 3-16 @28", "small", 64, 3, 28, 28, 16, 3, 1, 1, 1},
    {"small.s0 3x3 16-16 @28", "small", 64, 16, 28, 28, 16, 3, 1, 1, 2},
    {"small.s1a 3x3/2 16-32 @28", "small", 64, 16, 28, 28, 32, 3, 2, 1, 1},
    {"small.s1ds 1x1/2 16-32 @28", "small", 64, 16, 28, 28, 32, 1, 2, 0, 1},
    {"small.s1 3x3 32-32 @14", "small", 64, 32, 14, 14, 32, 3, 1, 1, 1},
    {"small.s2a 3x3/2 32-64 @14", "small", 64, 32, 14, 14, 64, 3, 2, 1, 1},
    {"small.s2ds 1x1/2 32-64 @14", "small", 64, 32, 14, 14, 64, 1, 2, 0, 1},
    {"small.s2 3x3 64-64 @7", "small", 64, 64, 7, 7, 64, 3, 1, 1, 1},
    {"small.s3a 3x3/2 64-128 @7", "small", 64, 64, 7, 7, 128, 3, 2, 1, 1},
    {"small.s3ds 1x1/2 64-128 @7", "small", 64, 64, 7, 7, 128, 1, 2, 0, 1},
    {"small.s3 3x3 128-128 @4", "small", 64, 128, 4, 4, 128, 3, 1, 1, 1},
};
#define SHAPE_COUNT ((int)(sizeof(all_shapes) / sizeof(all_shapes[0])))

static inline long shape_out(long size, long k, long stride, long pad) {
    return (size + 2 * pad - k) / stride + 1;
}

#endif
