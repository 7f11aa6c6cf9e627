namespace Vmd.Simulation.Memory;

/// <summary>A BAR that holds device registers with an MSI-X table and PBA laid over them at fixed offsets.</summary>
internal sealed class MsixBarTarget : IMemoryTarget
{
    private readonly IMemoryTarget _registers;
    private readonly MsixTable _table;
    private readonly ulong _tableOffset;
    private readonly ulong _pbaOffset;

    public MsixBarTarget(IMemoryTarget registers, MsixTable table, ulong tableOffset, ulong pbaOffset)
    {
        _registers = registers;
        _table = table;
        _tableOffset = tableOffset;
        _pbaOffset = pbaOffset;
    }

    public ulong Read(ulong offset, int width)
    {
        if (offset - _tableOffset < _table.TableLength)
        {
            return _table.ReadTable(offset - _tableOffset, width);
        }

        if (offset - _pbaOffset < _table.PbaLength)
        {
            return _table.ReadPba(offset - _pbaOffset, width);
        }

        return _registers.Read(offset, width);
    }

    public void Write(ulong offset, int width, ulong value)
    {
        if (offset - _tableOffset < _table.TableLength)
        {
            _table.WriteTable(offset - _tableOffset, width, value);
        }
        else if (offset - _pbaOffset >= _table.PbaLength)
        {
            // The PBA ignores writes; everything else belongs to the device's registers.
            _registers.Write(offset, width, value);
        }
    }
}
