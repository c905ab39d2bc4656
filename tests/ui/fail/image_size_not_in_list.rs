use openai_usage::*;

fn main() {
    // 2048x2048 is not an image size the API knows.
    let _ = UsageImagesParams::new(1730419200).sizes([ImageSize::Size2048x2048]);
}
