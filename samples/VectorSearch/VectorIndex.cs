using System.Numerics;

namespace Switchyard.Samples.VectorSearch;

/// <summary>One search result: a stored vector's id (its row) and its cosine similarity to the query.</summary>
internal sealed record SearchHit(int Id, float Score);

/// <summary>
/// The vectors, kept unit-length in one flat array (cosine similarity is then a dot product), searched by brute force:
/// the rows are split into chunks, each chunk's top k found on the Cpu lane (all cores at once through
/// <c>MapAsync</c>), and the chunks' top k merged.
/// </summary>
internal sealed class VectorIndex
{
    private readonly float[] _rows;
    private readonly Lane _cpu;
    private readonly int _chunks;

    private VectorIndex(float[] rows, int count, int dimensions, Lane cpu)
    {
        _rows = rows;
        Count = count;
        Dimensions = dimensions;
        _cpu = cpu;
        _chunks = Math.Min(count, cpu.Parallelism * 4);   // a few chunks per core, so a slow one does not hold the rest
    }

    public int Count { get; }

    public int Dimensions { get; }

    /// <summary><paramref name="count"/> random vectors, the same for the same seed (each component uniform in [-1, 1)).</summary>
    public static float[][] RandomVectors(int seed, int count, int dimensions)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            vectors[i] = new float[dimensions];
            for (var d = 0; d < dimensions; d++) vectors[i][d] = random.NextSingle() * 2 - 1;
        }
        return vectors;
    }

    public static VectorIndex Create(int seed, int count, int dimensions, Lane cpu)
    {
        var rows = new float[(long)count * dimensions];
        var vectors = RandomVectors(seed, count, dimensions);
        for (var i = 0; i < count; i++)
        {
            var row = rows.AsSpan(i * dimensions, dimensions);
            vectors[i].CopyTo(row);
            Normalise(row);
        }
        return new VectorIndex(rows, count, dimensions, cpu);
    }

    /// <summary>The <paramref name="k"/> stored vectors most similar to <paramref name="query"/>, best first (ties: lower id first).</summary>
    public async Task<SearchHit[]> SearchAsync(float[] query, int k, CancellationToken cancellationToken)
    {
        var unit = (float[])query.Clone();
        Normalise(unit);
        var partials = await _cpu.MapAsync(Enumerable.Range(0, _chunks),
            chunk => TopK(unit, k, (int)((long)Count * chunk / _chunks), (int)((long)Count * (chunk + 1) / _chunks)),
            cancellationToken: cancellationToken);
        return partials.SelectMany(p => p).OrderByDescending(h => h.Score).ThenBy(h => h.Id).Take(k).ToArray();
    }

    // One chunk, on one Cpu-lane thread: a min-heap of the best k so far.
    private List<SearchHit> TopK(float[] query, int k, int from, int to)
    {
        var best = new PriorityQueue<int, float>(k + 1);
        for (var id = from; id < to; id++)
        {
            var score = Dot(query, _rows.AsSpan(id * Dimensions, Dimensions));
            if (best.Count < k) best.Enqueue(id, score);
            else if (best.TryPeek(out _, out var worst) && score > worst) best.DequeueEnqueue(id, score);
        }
        var hits = new List<SearchHit>(best.Count);
        while (best.TryDequeue(out var id, out var score)) hits.Add(new SearchHit(id, score));
        return hits;
    }

    // SIMD dot product by hand with System.Numerics.Vector: System.Numerics.Tensors (TensorPrimitives.Dot) is not in our package mirror.
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        var total = Vector.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    private static void Normalise(Span<float> vector)
    {
        var length = MathF.Sqrt(Dot(vector, vector));
        if (length > 0)
            for (var i = 0; i < vector.Length; i++) vector[i] /= length;
    }
}
