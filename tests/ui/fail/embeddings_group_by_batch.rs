use openai_usage::*;

fn main() {
    // Embeddings cannot be grouped by `batch`; only completions can.
    let _ = UsageEmbeddingsParams::new(1730419200).group_by([UsageEmbeddingsGroupBy::Batch]);
}
