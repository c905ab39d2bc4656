use openai_usage::*;

fn main() {
    // Embeddings cannot be grouped by `vector_store_id`; only file search calls can.
    let _ = UsageEmbeddingsParams::new(1730419200)
        .group_by([UsageEmbeddingsGroupBy::VectorStoreId]);
}
